using Plasticity.Lab;

return LabApp.Run(args);
