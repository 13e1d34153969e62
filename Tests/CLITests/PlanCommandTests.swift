import Experiments
import Foundation
import TestSupport
import Testing
import Yams

/// `escalation batch --plan slurm|k8s|shell --shards N`: the scripts it writes run, and the
/// script docs/batches.md shows is the one it writes.
@Suite(.serialized)
struct PlanCommandTests {
    let flagship = "Scenarios/taji-2020.yaml"

    /// A folder to run in whose Scenarios and seeds are the repository's, so that relative paths
    /// read as they do in the docs while every file written stays in the folder.
    func workingFolder() throws -> URL {
        let dir = try temporaryDirectory()
        for name in ["Scenarios", "seeds"] {
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(name).path,
                                                       withDestinationPath: repositoryPath(name))
        }
        return dir
    }

    /// Runs a shell script with `ESCALATION` pointing at the built executable, and `extra` in
    /// its environment.
    func bash(_ arguments: [String], _ extra: [String: String] = [:], in dir: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = arguments
        process.currentDirectoryURL = dir
        var environment = ProcessInfo.processInfo.environment
        environment["ESCALATION"] = escalationExecutable
        for (k, v) in extra { environment[k] = v }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theShellPlanRunsEveryShardAndMergesToTheWholeBatchsBytes() throws {
        let dir = try workingFolder()
        let plan = try runEscalation(["batch", flagship, "--runs", "3000", "--seed", "9", "--shards", "3", "--threads", "1",
                                      "--plan", "shell", "--out", "out/runs.csv", "--summary", "out/summary.csv"], in: dir.path)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("bash out/runs.sh"))
        // Shards one at a time, out of order, as on several machines; then the merge.
        for step in ["3", "1", "2", "merge"] {
            let r = try bash(["out/runs.sh", step], in: dir)
            #expect(r.status == 0, "step \(step): \(r.output)")
        }
        let shards = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out/runs.shards").path).sorted()
        #expect(shards.filter { $0.hasSuffix(".csv") } == ["runs-0001-of-0003.csv", "runs-0002-of-0003.csv", "runs-0003-of-0003.csv"])
        let whole = try runEscalation(["batch", flagship, "--runs", "3000", "--seed", "9", "--out", "whole.csv",
                                       "--summary", "whole-summary.csv", "--quiet"], in: dir.path)
        #expect(whole.status == 0, "\(whole.stderr)")
        for (a, b) in [("out/runs.csv", "whole.csv"), ("out/summary.csv", "whole-summary.csv")] {
            let x = FileManager.default.contents(atPath: dir.appendingPathComponent(a).path)
            #expect(x != nil && x == FileManager.default.contents(atPath: dir.appendingPathComponent(b).path), "\(a) against \(b)")
        }
    }

    @Test func theSlurmPlanIsAnArrayOfShardsAndAMergeThatWaitsForIt() throws {
        let dir = try workingFolder()
        let r = try runEscalation(["batch", flagship, "--runs", "100000", "--seed", "4", "--shards", "12", "--threads", "3",
                                   "--set", "horizon=90", "--plan", "slurm", "--out", "big/taji.csv.gz"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("jobid=$(sbatch --parsable big/taji.slurm) && sbatch --parsable --dependency=afterok:$jobid big/taji.merge.slurm"))
        let array = try String(contentsOfFile: dir.appendingPathComponent("big/taji.slurm").path, encoding: .utf8)
        for line in ["#SBATCH --array=1-12", "#SBATCH --cpus-per-task=3", "#SBATCH --requeue", "#SBATCH --chdir=\"\(dir.path)\"",
                     "shard=$(printf '%04d' \"$i\")", "--shard \"$i/12\"", "--set horizon=90",
                     "--out big/taji.shards/taji-\"$shard\"-of-0012.csv.gz --resume --quiet"] {
            #expect(array.contains(line), "\(line)")
        }
        let merge = try String(contentsOfFile: dir.appendingPathComponent("big/taji.merge.slurm").path, encoding: .utf8)
        #expect(merge.contains("merge big/taji.shards --out big/taji.csv.gz\n"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("big/taji.shards").path), "Slurm's logs go there")
        for script in ["big/taji.slurm", "big/taji.merge.slurm"] {
            #expect(try bash(["-n", script], in: dir).status == 0, "\(script) is not valid bash")
        }
        // The task's command, run as task 5 would be, writes shard 5's file (a small batch, so
        // that it is quick).
        let small = try runEscalation(["batch", flagship, "--runs", "60", "--seed", "4", "--shards", "12", "--plan", "slurm",
                                       "--out", "small/taji.csv"], in: dir.path)
        #expect(small.status == 0, "\(small.stderr)")
        let task = try bash(["small/taji.slurm"], ["SLURM_ARRAY_TASK_ID": "5", "SLURM_CPUS_PER_TASK": "1"], in: dir)
        #expect(task.status == 0, "\(task.output)")
        let shard = try Manifest.read(dir.appendingPathComponent("small/taji.shards/taji-0005-of-0012.manifest.json").path)
        #expect(shard.shard.index == 5 && shard.shard.first == 20 && shard.shard.end == 25)
    }

    @Test func theKubernetesPlanIsAnIndexedJobOnTheSharedVolume() throws {
        let dir = try workingFolder()
        let r = try runEscalation(["batch", flagship, "--runs", "1000000", "--seed", "2", "--shards", "20", "--threads", "4",
                                   "--plan", "k8s", "--out", "/data/taji.csv"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let job = try #require(try Yams.load(yaml: String(contentsOfFile: dir.appendingPathComponent("taji.k8s.yaml").path, encoding: .utf8)) as? [String: Any])
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed" && spec["completions"] as? Int == 20 && spec["parallelism"] as? Int == 20)
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let script = try #require((container["args"] as? [String])?.first)
        #expect(script.contains("i=$((JOB_COMPLETION_INDEX + 1))") && script.contains("--shard \"$i/20\" --threads 4"))
        #expect(script.contains("--out /data/taji.shards/taji-\"$shard\"-of-0020.csv --resume --quiet"))
        #expect(try bash(["-n", "-c", script], in: dir).status == 0)
        let merge = try #require(try Yams.load(yaml: String(contentsOfFile: dir.appendingPathComponent("taji.merge.k8s.yaml").path, encoding: .utf8)) as? [String: Any])
        #expect((merge["metadata"] as? [String: Any])?["name"] as? String == "taji-merge")
        // The image the Job names is the one the Containerfile builds, with the scenarios where the pods run.
        let containerfile = try String(contentsOfFile: repositoryPath("Containerfile"), encoding: .utf8)
        #expect(containerfile.contains("-t localhost/escalation:latest") && containerfile.contains("WORKDIR /opt/escalation"))
        #expect(containerfile.contains("COPY Scenarios /opt/escalation/Scenarios") && container["workingDir"] as? String == "/opt/escalation")
        #expect(containerfile.contains("/usr/local/bin/escalation") && container["image"] as? String == "localhost/escalation:latest")
        // The image is written as a quoted YAML string: a ": " or " #" in it cannot change the Job.
        let odd = "registry.example:5000/esc: a #b \"c\" \\d"
        let quoted = try runEscalation(["batch", flagship, "--runs", "100", "--shards", "2", "--plan", "k8s", "--image", odd,
                                        "--out", "/data/odd.csv"], in: dir.path)
        #expect(quoted.status == 0, "\(quoted.stderr)")
        let oddJob = try #require(try Yams.load(yaml: String(contentsOfFile: dir.appendingPathComponent("odd.k8s.yaml").path, encoding: .utf8)) as? [String: Any])
        let oddPod = try #require(((oddJob["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect((oddPod["containers"] as? [[String: Any]])?.first?["image"] as? String == odd)
        // Off the shared volume, the pods' outputs would be lost with them.
        let local = try runEscalation(["batch", flagship, "--runs", "100", "--shards", "2", "--plan", "k8s", "--out", "taji.csv"], in: dir.path)
        #expect(local.status == 64 && local.stderr.contains("/data"))
    }

    /// sbatch splits an `#SBATCH` line at spaces outside double quotes, takes a backslash as an
    /// escape and an unescaped `#` as a comment; Slurm's `--output` is a pattern where `%` is
    /// special, read with the working folder in front of it, so the log folder is written whole.
    /// (`make test-cluster` submits a plan from such a folder to a real Slurm.)
    @Test func slurmLinesQuotePathsAsSbatchReadsThem() throws {
        let parent = try temporaryDirectory()
        let dir = parent.appendingPathComponent("my runs #2 \"x\" %a 100%20")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["Scenarios", "seeds"] {
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(name).path,
                                                       withDestinationPath: repositoryPath(name))
        }
        let r = try runEscalation(["batch", flagship, "--runs", "100", "--shards", "2", "--plan", "slurm",
                                   "--out", "out 50%/taji.csv"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let quotedFolder = dir.path.replacingOccurrences(of: "#", with: "\\#").replacingOccurrences(of: "\"", with: "\\\"")
        let pattern = quotedFolder.replacingOccurrences(of: "%", with: "%%") + "/out 50%%/taji.shards"
        for (file, lines) in [("out 50%/taji.slurm", ["#SBATCH --job-name=\"taji\"", "#SBATCH --chdir=\"\(quotedFolder)\"",
                                                       "#SBATCH --output=\"\(pattern)/slurm-%A_%a.out\""]),
                              ("out 50%/taji.merge.slurm", ["#SBATCH --job-name=\"taji-merge\"", "#SBATCH --chdir=\"\(quotedFolder)\"",
                                                             "#SBATCH --output=\"\(pattern)/slurm-merge-%j.out\""])] {
            let text = try String(contentsOfFile: dir.appendingPathComponent(file).path, encoding: .utf8)
            for line in lines { #expect(text.contains(line + "\n"), "\(file): \(line)") }
            #expect(try bash(["-n", file], in: dir).status == 0, "\(file) is not valid bash")
        }
        // A backslash in the shards' folder would turn Slurm's %A_%a off: refused, nothing written.
        let slash = try runEscalation(["batch", flagship, "--runs", "100", "--shards", "2", "--plan", "slurm",
                                       "--out", "a\\b/taji.csv"], in: dir.path)
        #expect(slash.status == 74 && slash.stderr.contains("backslash") && slash.stderr.contains("choose an --out"), "\(slash.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("a\\b").path))
        // So would one in the working folder's path, which the log folder starts with.
        let slashed = parent.appendingPathComponent("a\\b")
        try FileManager.default.createDirectory(at: slashed, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: slashed.appendingPathComponent("Scenarios").path,
                                                   withDestinationPath: repositoryPath("Scenarios"))
        try FileManager.default.createSymbolicLink(atPath: slashed.appendingPathComponent("seeds").path,
                                                   withDestinationPath: repositoryPath("seeds"))
        let here = try runEscalation(["batch", flagship, "--runs", "100", "--shards", "2", "--plan", "slurm",
                                      "--out", "runs/taji.csv"], in: slashed.path)
        #expect(here.status == 74 && here.stderr.contains("run the plan from a folder whose path has none"), "\(here.stderr)")
        #expect(!FileManager.default.fileExists(atPath: slashed.appendingPathComponent("runs").path))
    }

    @Test func badPlansAreRefusedBeforeAnythingIsWritten() throws {
        let dir = try workingFolder()
        let cases: [([String], String)] = [
            (["--plan", "slurm", "--out", "a.csv"], "needs --shards"),
            (["--plan", "slurm", "--shards", "4"], "needs --out"),
            (["--plan", "pbs", "--shards", "4", "--out", "a.csv"], "expected slurm, k8s or shell"),
            (["--plan", "slurm", "--shards", "0", "--out", "a.csv"], "--shards must be 1 or more"),
            (["--plan", "slurm", "--shards", "101", "--out", "a.csv"], "more shards than runs"),
            (["--plan", "slurm", "--shards", "4", "--out", "a.csv", "--shard", "1/4"], "drop --shard"),
            (["--shards", "4", "--out", "a.csv"], "--shards goes with --plan"),
        ]
        for (extra, message) in cases {
            let r = try runEscalation(["batch", flagship, "--runs", "100"] + extra, in: dir.path)
            #expect(r.status == 64 && r.stderr.contains(message), "\(extra): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["Scenarios", "seeds"])
    }

    /// docs/batches.md shows the Slurm script of a documented command; it must be what the
    /// command writes (but for the folder it was written in and where the program was built).
    @Test func theDocumentedSlurmScriptIsTheOneThePlanWrites() throws {
        let docs = try String(contentsOfFile: repositoryPath("docs/batches.md"), encoding: .utf8)
        let command = try #require(docs.split(separator: "\n").first { $0.hasPrefix("escalation batch") && $0.contains("--plan slurm") })
        let blocks = docs.components(separatedBy: "```bash\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let documented = try #require(blocks.first { $0.contains("#SBATCH --array") })
        let dir = try workingFolder()
        let words = command.split(separator: " ").dropFirst().map(String.init)
        let r = try runEscalation(words, in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try #require(words.firstIndex(of: "--out").map { words[$0 + 1] })
        let written = try String(contentsOfFile: dir.appendingPathComponent(ShardFiles.split(out).stem + ".slurm").path, encoding: .utf8)
        func normalised(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                if line.hasPrefix("#SBATCH --chdir=") { return "#SBATCH --chdir=FOLDER" }
                // The log folder is written whole: the working folder, then the shards' folder.
                if line.hasPrefix("#SBATCH --output="), let shards = line.range(of: "/results/") {
                    return "#SBATCH --output=FOLDER" + line[shards.lowerBound...]
                }
                if line.hasPrefix("ESCALATION=${ESCALATION:-") { return "ESCALATION=${ESCALATION:-PROGRAM}" }
                return String(line)
            }.joined(separator: "\n")
        }
        #expect(normalised(documented) == normalised(written))
    }
}
