using Plasticity.Lab;
using Plasticity.ML.Search.Runners;

// A search's process pool starts the lab again as a trial worker: such a process runs its one trial and ends here.
TrialWorker.RunIfRequested(args);
return LabApp.Run(args);
