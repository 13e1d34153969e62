import EscalationModel
import Experiments
import Reports

/// The pages: small HTML shells, the same stylesheet and script for all; the script fills them
/// from the JSON API. Everything is served by the classroom itself: nothing comes from a network.
enum Pages {
    static func shell(_ title: String, page: String, data: [String: String] = [:], body: String) -> String {
        let attributes = data.sorted { $0.key < $1.key }.map { " data-\($0.key)=\"\(xmlEscaped($0.value))\"" }.joined()
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(xmlEscaped(title)) · Escalation classroom</title>
            <link rel="stylesheet" href="/static/classroom.css"><link rel="icon" href="data:,">
            </head>
            <body data-page="\(page)"\(attributes)>
            <header><a href="/" class="home">Escalation classroom</a><span class="title">\(xmlEscaped(title))</span></header>
            <main>
            \(body)
            </main>
            <script src="/static/classroom.js"></script>
            </body></html>

            """
    }

    static func index(_ classroom: Classroom) -> String {
        func card(_ e: ScenarioShelf.Entry) -> String {
            let s = e.loaded.scenario
            return """
                <li><h2>\(xmlEscaped(s.title))</h2><p>\(xmlEscaped(s.summary))</p>
                <p><a class="button" href="/explore/\(e.name)">Explore the what-ifs</a>
                <a class="button" href="/play/\(e.name)">Play a side</a></p></li>
                """
        }
        let episodes = classroom.shelf.entries.filter { !$0.isVariant }.map(card).joined(separator: "\n")
        let variants = classroom.shelf.entries.filter(\.isVariant).map(card).joined(separator: "\n")
        let options = classroom.shelf.entries.map { e -> String in "<option value=\"\(e.name)\">\(xmlEscaped(e.loaded.scenario.title))</option>" }
            .joined()
        return shell("Scenarios", page: "index", body: """
            <section class="intro"><p>Each scenario is built from documented incidents. <strong>Explore</strong>: move a
            knob and see how the odds of each ending move, against the scenario as written, on the same random
            draws. <strong>Play</strong>: decide for one side, answer by answer, and see how your path compares
            with the model's own policy.</p></section>
            <h2>Documented episodes</h2><ul class="scenarios">\(episodes)</ul>
            <h2>What-ifs built on them</h2><ul class="scenarios">\(variants)</ul>
            <section class="rooms">
            <form id="join-form"><h2>Join a class</h2>
            <label>Room code <input id="join-code" name="code" maxlength="6" autocomplete="off" required></label>
            <button type="submit">Join</button></form>
            <form id="room-form"><h2>Open a room (teacher)</h2>
            <label>Scenario <select id="room-scenario">\(options)</select></label>
            <label>Students play <select id="room-side"></select></label>
            <button type="submit">Open the room</button>
            <p id="room-created" class="note"></p></form>
            </section>
            """)
    }

    static func explore(_ entry: ScenarioShelf.Entry) -> String {
        shell("Explore: " + entry.loaded.scenario.title, page: "explore", data: ["scenario": entry.name], body: """
            <section class="explore">
            <aside id="knobs"><h2>Knobs</h2><p class="note">Each knob is a number of the scenario with its source.
            Moving one runs the batch again: the same replications, so the difference is the knob's own effect.</p>
            <div id="knob-list"></div><button id="reset" type="button">Back to the scenario as written</button></aside>
            <div id="results">
            <p id="status" class="status">Running…</p>
            <p id="rate-warning" class="warning" hidden>A rate that depends on the state went above the scenario's
            <code>max_rate</code> in some runs: those runs undercount that process, so the numbers here are not exact.
            <span id="rate-reached"></span> The scenario's <code>max_rate</code> needs raising<span id="rate-factor"> by at
            least that factor</span>.</p>
            <h2>How the crisis ends</h2>
            <table id="outcomes" class="numbers"><thead><tr><th>Outcome</th><th>As written</th><th>With your knobs</th>
            <th>Difference (paired, 95%)</th></tr></thead><tbody></tbody></table>
            <div class="charts">
            <figure><figcaption>Cumulative incidence: share of runs ended by each outcome, by day
            (solid: your knobs; dashed: as written)</figcaption><div id="incidence-chart"></div></figure>
            <figure><figcaption>Rung reached over time: share of runs (with your knobs) that have reached each
            rung or above by day</figcaption><div id="ladder-chart"></div></figure>
            </div>
            <h2>Casualties per run (mean)</h2>
            <table id="casualties" class="numbers"><thead><tr><th>Who</th><th>As written</th><th>With your knobs</th>
            <th>Difference (paired, 95%)</th></tr></thead><tbody></tbody></table>
            <h2>The same numbers on the command line</h2>
            <p>The outcome table is the summary of this batch:</p><pre><code id="command"></code></pre>
            <p>and the differences are:</p><pre><code id="compare-command"></code></pre>
            <details><summary>Summary CSV (what the first command writes)</summary><pre id="summary-csv"></pre></details>
            <details><summary>Differences CSV (what the second writes)</summary><pre id="compare-csv"></pre></details>
            </div></section>
            """)
    }

    static func play(_ entry: ScenarioShelf.Entry) -> String {
        shell("Play: " + entry.loaded.scenario.title, page: "play", data: ["scenario": entry.name], body: """
            <section class="play">
            <div id="setup"><h2>Choose your side</h2><div id="side-list"></div></div>
            <div id="game" hidden>
            <div id="turn"><h2 id="turn-date"></h2><p id="turn-what" class="what"></p>
            <div class="gauges" id="gauges"></div><p id="turn-ledger" class="ledger"></p>
            <h3>Your answer</h3>
            <label class="delay">Delay <input id="delay" type="number" min="0" max="60" step="0.5" value="1"> days</label>
            <div id="choices"></div></div>
            <div id="result" hidden><h2 id="result-title"></h2><p id="result-ledger"></p>
            <div id="comparison"></div>
            <p><a id="record-link" class="button" href="#">Save the game (JSON)</a>
            <a id="again" class="button" href="#">Play again</a></p>
            <p class="note">Replay it on the command line: <code id="replay-command"></code></p></div>
            <h3 id="story-title">The story so far</h3><pre id="story"></pre>
            </div></section>
            """)
    }

    static func join(_ room: ClassroomStore.Room, title: String) -> String {
        shell("Join room " + room.code, page: "join", data: ["room": room.code], body: """
            <section class="join"><h2>Room \(room.code): \(xmlEscaped(title))</h2>
            <form id="name-form"><label>Your name <input id="name" maxlength="40" required autocomplete="off"></label>
            <button type="submit">Start playing</button></form><p id="join-error" class="error"></p></section>
            """)
    }

    static func teacher(_ room: ClassroomStore.Room, title: String) -> String {
        shell("Room " + room.code, page: "teacher", data: ["room": room.code], body: """
            <section class="teacher">
            <p class="code-line">Students join at <strong><span id="join-url"></span></strong> with the code
            <span id="room-code" class="code">\(room.code)</span></p>
            <p id="room-status" class="status">Loading…</p>
            <div class="columns">
            <div><h2>How the class's games end</h2><table id="room-outcomes" class="numbers"><thead><tr><th>Outcome</th>
            <th>Class games</th><th>Class share</th><th>Model's policy</th></tr></thead><tbody></tbody></table></div>
            <div><h2>What they chose</h2><table id="room-choices" class="numbers"><thead><tr><th>Choice</th><th>Rung</th>
            <th>Class moves</th><th>Share</th><th>Policy, per run</th></tr></thead><tbody></tbody></table></div>
            </div>
            <h2>Students</h2><table id="students"><thead><tr><th>Name</th><th>Games</th><th>Moves</th><th>Latest ending</th>
            <th>Choices, in order</th></tr></thead><tbody></tbody></table>
            <p><a id="export" class="button" href="#">Export everything (CSV)</a></p>
            </section>
            """)
    }
}
