#:project ../../src/Headroom/Headroom.csproj
#:property PublishAot=false
// Writes report.html into a finished study folder by replaying its results.jsonl (no trial runs):
//   dotnet run bench/report-fixture/RenderReport.cs -- <study folder>
using Headroom.Experiments;
using Headroom.Reports.Html;

var path = Path.GetFullPath(args.Length > 0 ? args[0] : throw new ArgumentException("give a study folder"));
var folder = StudyFolder.OpenExisting(path);
var study = await new Study(null, folder).RunAsync(folder.ReadPlan(), null, CancellationToken.None);
var samples = await StudySamples.LoadAsync(folder, CancellationToken.None);
var written = await HtmlReportWriter.WriteAsync(path, StudyReportBuilder.Build(study, samples, new StudyReportExtras { Generated = DateTimeOffset.Now }), CancellationToken.None);
Console.WriteLine(written);
