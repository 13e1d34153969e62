import Foundation

/// A batch cut into shards for a job scheduler: the scripts or manifests that run every shard
/// into one folder and then merge them, written by `escalation batch --plan KIND --shards N`.
///
/// For an output `DIR/NAME.csv` the shards go to `DIR/NAME.shards/NAME-0007-of-0064.csv` (see
/// `ShardFiles`), each with its manifest, and the merge writes `DIR/NAME.csv` (and the summary,
/// if one was asked for). Every shard runs with `--resume`, so a task that is requeued, killed or
/// resubmitted continues its shard where it stopped. The shard index is written into each
/// command from the scheduler's task number (`--shard I/N`), not read with `--shard auto/N`, so
/// that resubmitting a subset of the array (`sbatch --array=7`) still runs the right shard.
public struct BatchPlan: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case slurm, k8s, shell
    }

    /// The batch every shard belongs to: the manifest fields a batch command needs.
    public var batch: Manifest
    public var kind: Kind
    public var shards: Int
    /// The merged CSV, and the summary if asked for.
    public var out: String
    public var summary: String?
    /// Threads each shard uses (Slurm: CPUs a task asks for).
    public var threads: Int
    /// The folder the commands run in: scenario and output paths are as given, relative to it.
    public var workingDirectory: String
    /// The `escalation` to run: a path, or a name found on the PATH (Kubernetes).
    public var program: String
    /// Kubernetes: the container image and the volume claim mounted at /data.
    public var image = "localhost/escalation:latest"
    public var volumeClaim = "escalation-data"

    public init(batch: Manifest, kind: Kind, shards: Int, out: String, summary: String?, threads: Int,
                workingDirectory: String, program: String) {
        self.batch = batch
        self.kind = kind
        self.shards = shards
        self.out = out
        self.summary = summary
        self.threads = threads
        self.workingDirectory = workingDirectory
        self.program = program
    }

    /// `DIR/NAME.shards`, where the shards go.
    public var folder: String { ShardFiles.split(out).stem + ".shards" }
    /// `NAME`: the job's name and the shards' stem.
    public var name: String { String(ShardFiles.split(out).stem.split(separator: "/").last ?? "runs") }
    var ext: String { ShardFiles.split(out).ext }
    /// Digits of a shard index in a file name.
    var width: Int { max(4, String(shards).count) }

    /// Shard `index`'s output.
    public func shardPath(_ index: Int) -> String {
        folder + "/" + ShardFiles.Name(stem: name, index: index, count: shards, ext: ext).description
    }

    /// A file the plan writes: its path, its text, and whether it is a script to run.
    public struct File: Equatable, Sendable {
        public var path: String
        public var text: String
        public var executable: Bool
    }

    /// The files to write, and the commands that start the whole batch.
    public func files() -> (files: [File], start: [String]) {
        switch kind {
        case .slurm: slurm()
        case .k8s: kubernetes()
        case .shell: shell()
        }
    }

    // MARK: - Commands

    /// The batch command of one shard whose index is the shell variable `$i`, output to the
    /// shard file named by `$shard` (set from `$i` by `shardNameLine`). `program` is shell text
    /// as it stands (`"$ESCALATION"`, or `escalation`).
    func shardCommand(program: String, threads: String) -> String {
        // SCENARIO --runs R --seed S [--set ...] [--posterior P], after `escalation batch`.
        let batchWords = batch.batchArguments(out: nil, shard: nil, resume: false, quiet: false).dropFirst(2)
        let stem = shellQuoted([folder + "/" + name + "-"])
        let tail = shellQuoted(["-of-" + ShardFiles.Name.padded(shards, width) + ext])
        return program + " batch " + shellQuoted(Array(batchWords)) + " \\\n    --shard \"$i/\(shards)\" --threads \(threads)"
            + " \\\n    --out \(stem)\"$shard\"\(tail) --resume --quiet"
    }

    /// `shard=0007` from `i=7`.
    var shardNameLine: String { "shard=$(printf '%0\(width)d' \"$i\")" }

    /// The merge of the shards' folder; `program` as for `shardCommand`.
    func mergeCommand(program: String) -> String {
        program + " " + shellQuoted(["merge", folder, "--out", out] + (summary.map { ["--summary", $0] } ?? []))
    }

    var header: String {
        "# \(batch.title): \(batch.runs) runs, seed \(batch.seed), in \(shards) shards, merged into \(out).\n"
            + "# Written by: " + planCommand + "\n"
    }

    /// The `escalation batch --plan` command that writes this plan.
    public var planCommand: String {
        var words = batch.batchArguments(out: out, shard: nil, resume: false, quiet: false, program: "escalation")
        if let summary { words += ["--summary", summary] }
        words += ["--threads", String(threads), "--shards", String(shards), "--plan", kind.rawValue]
        return shellQuoted(words)
    }

    var programLine: String { "ESCALATION=${ESCALATION:-\(shellQuoted([program]))}" }

    // MARK: - Slurm

    func slurm() -> (files: [File], start: [String]) {
        let stem = ShardFiles.split(out).stem
        let array = stem + ".slurm", merge = stem + ".merge.slurm"
        let submit = "jobid=$(sbatch --parsable \(shellQuoted([array]))) && sbatch --parsable --dependency=afterok:$jobid \(shellQuoted([merge]))"
        let arrayText = """
            #!/bin/bash
            \(header)# Submit the shards and the merge after them:
            #   \(submit)
            # One array task a shard, into \(folder)/. A task that is requeued or resubmitted
            # (sbatch --array=7 \(array)) continues its shard where it stopped (--resume).
            # Add your cluster's partition and time limit below.
            #SBATCH --job-name=\(sbatchQuoted(name))
            #SBATCH --array=1-\(shards)
            #SBATCH --cpus-per-task=\(threads)
            #SBATCH --requeue
            #SBATCH --chdir=\(sbatchQuoted(workingDirectory))
            #SBATCH --output=\(sbatchQuoted(slurmPattern(logFolder) + "/slurm-%A_%a.out"))
            set -euo pipefail
            \(programLine)
            i=$SLURM_ARRAY_TASK_ID
            \(shardNameLine)
            exec \(shardCommand(program: "\"$ESCALATION\"", threads: "\"${SLURM_CPUS_PER_TASK:-\(threads)}\""))

            """
        let mergeText = """
            #!/bin/bash
            \(header)# The merge, once every shard is done (submitted with --dependency=afterok on the array).
            #SBATCH --job-name=\(sbatchQuoted(name + "-merge"))
            #SBATCH --cpus-per-task=1
            #SBATCH --chdir=\(sbatchQuoted(workingDirectory))
            #SBATCH --output=\(sbatchQuoted(slurmPattern(logFolder) + "/slurm-merge-%j.out"))
            set -euo pipefail
            \(programLine)
            exec \(mergeCommand(program: "\"$ESCALATION\""))

            """
        return ([File(path: array, text: arrayText, executable: true), File(path: merge, text: mergeText, executable: true)],
                [submit])
    }

    /// A value on an `#SBATCH` line as sbatch reads it: in double quotes, which keep spaces in
    /// one argument, with a backslash, `"` and `#` (which would otherwise start a comment)
    /// escaped by a backslash. Checked against sbatch 22.05 by `make test-cluster`, whose working
    /// folder has a space, a `#` and a `%a` in its name.
    func sbatchQuoted(_ text: String) -> String {
        var quoted = "\""
        for character in text {
            if character == "\\" || character == "\"" || character == "#" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// The shards' folder as an absolute path, where Slurm writes the tasks' logs. Absolute
    /// because sbatch puts `--chdir` in front of a relative `--output` as it stands, and the
    /// node then reads the whole path as a pattern, so a `%` in the working folder's name would
    /// be read as a replacement.
    var logFolder: String { folder.hasPrefix("/") ? folder : workingDirectory + "/" + folder }

    /// A path as part of an `--output` file-name pattern: `%` doubled, so that it stays itself.
    /// (A backslash in a pattern turns every `%` off, so a plan refuses a path with one:
    /// `slurmOutputProblem`.)
    func slurmPattern(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%%")
    }

    /// Why Slurm could not write its logs into the shards' folder as the plan names it, if it
    /// could not: Slurm reads a backslash in an `--output` pattern as "no replacements", so
    /// every task would write to one file named with a literal `%A_%a`, and drops the backslash
    /// from the path.
    public var slurmOutputProblem: String? {
        guard kind == .slurm, logFolder.contains("\\") else { return nil }
        return "Slurm reads a backslash in a log file's path as an instruction, not a character, and the shards' "
            + "folder would be \(logFolder); " + (folder.contains("\\") ? "choose an --out whose folder has none"
                                                                   : "run the plan from a folder whose path has none")
    }

    // MARK: - Kubernetes

    func kubernetes() -> (files: [File], start: [String]) {
        // Written here, not beside the output: that is a path on the cluster's volume.
        let jobFile = name + ".k8s.yaml", mergeFile = name + ".merge.k8s.yaml"
        let job = kubernetesName(name)
        let start = [
            "kubectl apply -f \(shellQuoted([jobFile]))",
            "kubectl wait --for=condition=complete --timeout=24h job/\(job)",
            "kubectl apply -f \(shellQuoted([mergeFile]))",
        ]
        // The shell command each pod runs, as one YAML block scalar.
        func script(_ body: String) -> String {
            body.split(separator: "\n", omittingEmptySubsequences: false).map { "              " + $0 }.joined(separator: "\n")
        }
        let shardScript = """
            set -eu
            i=$((JOB_COMPLETION_INDEX + 1))
            \(shardNameLine)
            mkdir -p \(shellQuoted([folder]))
            exec \(shardCommand(program: "escalation", threads: String(threads)))
            """
        let jobText = """
            \(header)# Start it, wait for every shard, then merge:
            \(start.map { "#   " + $0 }.joined(separator: "\n"))
            # One pod a shard (JOB_COMPLETION_INDEX 0..\(shards - 1) is shard 1..\(shards)); a pod restarted after a
            # failure continues its shard (--resume). The image is built by the repository's Containerfile;
            # paths are as seen in the pod: the working folder \(workingDirectory), the claim mounted at /data.
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(job)
            spec:
              completionMode: Indexed
              completions: \(shards)
              parallelism: \(shards)
              backoffLimitPerIndex: 3
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: shard
                      image: \(yamlQuoted(image))
                      workingDir: \(yamlQuoted(workingDirectory))
                      resources: {requests: {cpu: "\(threads)"}}
                      command: ["sh", "-c"]
                      args:
                        - |
            \(script(shardScript))
                      volumeMounts: [{name: data, mountPath: /data}]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: \(volumeClaim)}}]

            """
        let mergeText = """
            \(header)# The merge, once job/\(job) is complete.
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(job)-merge
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: merge
                      image: \(yamlQuoted(image))
                      workingDir: \(yamlQuoted(workingDirectory))
                      command: ["sh", "-c"]
                      args:
                        - |
            \(script("set -eu\nexec " + mergeCommand(program: "escalation")))
                      volumeMounts: [{name: data, mountPath: /data}]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: \(volumeClaim)}}]

            """
        return ([File(path: jobFile, text: jobText, executable: false), File(path: mergeFile, text: mergeText, executable: false)],
                start)
    }

    /// A YAML double-quoted scalar (JSON's string syntax is YAML's): a value given on the command
    /// line cannot end the line or start a comment.
    func yamlQuoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: quoted += String(format: "\\u%04X", scalar.value)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// A Kubernetes object name: lower-case letters, digits and dashes, at most 52 characters
    /// (an indexed Job's pods add their own suffixes).
    func kubernetesName(_ text: String) -> String {
        var name = String(text.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        while name.hasPrefix("-") { name.removeFirst() }
        while name.hasSuffix("-") { name.removeLast() }
        if name.isEmpty { name = "escalation" }
        return String(name.prefix(52))
    }

    // MARK: - Shell

    func shell() -> (files: [File], start: [String]) {
        let path = ShardFiles.split(out).stem + ".sh"
        let text = """
            #!/bin/bash
            \(header)# Usage: bash \(path) [all | I | merge]
            #   all (the default)  every shard in turn, then the merge
            #   I                  shard I of \(shards) only (1 to \(shards)), e.g. on several machines sharing the folder,
            #                      or with GNU parallel: parallel bash \(path) ::: $(seq 1 \(shards)); bash \(path) merge
            #   merge              the merge, once every shard is done
            # A shard stopped part way continues where it stopped when run again (--resume).
            set -euo pipefail
            cd \(shellQuoted([workingDirectory]))
            mkdir -p \(shellQuoted([folder]))
            \(programLine)
            run_shard() {
                local i=$1 shard
                \(shardNameLine)
                \(shardCommand(program: "\"$ESCALATION\"", threads: String(threads)).replacingOccurrences(of: "\n", with: "\n    "))
            }
            run_merge() {
                \(mergeCommand(program: "\"$ESCALATION\""))
            }
            case "${1:-all}" in
                all) for i in $(seq 1 \(shards)); do run_shard "$i"; done; run_merge ;;
                merge) run_merge ;;
                *) run_shard "$1" ;;
            esac

            """
        return ([File(path: path, text: text, executable: true)], ["bash \(shellQuoted([path]))"])
    }
}
