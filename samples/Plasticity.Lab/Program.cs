using Plasticity.Lab;
using Plasticity.ML.Orleans.Hosting;
using Plasticity.ML.Search.Runners;

// A search's process pool starts the lab again as a trial worker: such a process runs its one trial and ends here.
TrialWorker.RunIfRequested(args);
// `search --cluster N` starts the lab again as N Orleans silos: such a process runs its silo until the search ends.
TrialSilo.RunIfRequested(args);
return LabApp.Run(args);
