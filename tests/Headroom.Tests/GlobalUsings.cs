// The namespaces most tests use, once for the whole project.
global using System.Globalization;
global using Headroom.Experiments;
global using Headroom.Knobs;
global using Headroom.Limits;
global using Headroom.Processes;
global using Headroom.Runners;
global using Headroom.Runners.Local;
global using Headroom.Tests.Runners;
global using Headroom.Tests.Support;
global using Headroom.Trials;
