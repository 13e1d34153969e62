/// The stylesheet and the script every page loads, served from memory.
enum Assets {
    /// The one script: fills each page (`body[data-page]`) from the JSON API, and draws the
    /// charts as SVG. No library, nothing fetched from elsewhere.
    static let js = #"""
        "use strict";
        const $ = (s, r = document) => r.querySelector(s);
        const page = document.body.dataset.page;
        const params = new URLSearchParams(location.search);
        const palette = ["#b3401f", "#1f6fb3", "#2f8a4c", "#8a5cb3", "#c08a1a", "#4a4f5a", "#d0558f", "#3aa3a0", "#7a8699", "#555"];

        function el(tag, attrs, ...children) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) {
            if (k === "class") e.className = v; else if (k.startsWith("data-")) e.setAttribute(k, v);
            else if (k === "text") e.textContent = v; else e[k] = v;
          }
          for (const c of children) if (c != null) e.append(c);
          return e;
        }
        async function api(method, url, body, tries = 6) {
          const r = await fetch(url, { method, headers: body ? { "Content-Type": "application/json" } : {},
                                       body: body ? JSON.stringify(body) : undefined });
          // Busy (every batch slot and place in line taken): wait a moment and ask again.
          if (r.status === 503 && tries > 1) { await new Promise(done => setTimeout(done, 800)); return api(method, url, body, tries - 1); }
          const data = await r.json().catch(() => ({ error: r.status + " " + r.statusText }));
          if (!r.ok) { const e = new Error(data.error || r.statusText); e.status = r.status; throw e; }
          return data;
        }
        const pct = p => p == null ? "–" : (100 * p).toFixed(1) + "%";
        const signed = (x, digits) => (x > 0 ? "+" : x < 0 ? "−" : "±") + Math.abs(x).toFixed(digits);
        function num(x) { if (x == null) return "–"; if (Number.isInteger(x)) return String(x);
          const a = Math.abs(x); return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2); }
        function knobText(x) { return String(+x.toPrecision(6)); }
        function diffCell(d, lo, hi, scale, digits, unit) {
          const td = el("td", { class: "diff" });
          if (d == null) { td.textContent = "–"; return td; }
          const significant = lo != null && hi != null && (lo > 0 || hi < 0);
          td.classList.add(!significant ? "same" : d > 0 ? "up" : "down");
          td.textContent = signed(d * scale, digits) + unit + (lo == null ? "" : " (" + signed(lo * scale, digits) + " to " + signed(hi * scale, digits) + ")");
          return td;
        }

        // A line chart: series of {label, color, dashed, values (one per day)} over days, y from 0 to 1.
        function lineChart(box, series, start) {
          const W = 560, H = 250, L = 40, R = 10, T = 10, B = 30;
          const days = Math.max(2, ...series.map(s => s.values.length));
          const ns = "http://www.w3.org/2000/svg";
          const svg = document.createElementNS(ns, "svg");
          svg.setAttribute("viewBox", `0 0 ${W} ${H}`); svg.setAttribute("width", "100%"); svg.setAttribute("role", "img");
          const x = d => L + (W - L - R) * d / (days - 1), y = v => T + (H - T - B) * (1 - v);
          const add = (tag, attrs) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); svg.append(e); return e; };
          for (const v of [0, .25, .5, .75, 1]) {
            add("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e5e7eb" });
            add("text", { x: L - 4, y: y(v) + 4, "text-anchor": "end" }).textContent = (v * 100) + "%";
          }
          for (let d = 0; d < days; d += 30) {
            add("line", { x1: x(d), x2: x(d), y1: T, y2: H - B, stroke: "#f0f1f3" });
            let label = "day " + d;
            if (start) { const t = new Date(start + "T00:00:00Z"); t.setUTCDate(t.getUTCDate() + d);
              label = t.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }); }
            add("text", { x: x(d), y: H - B + 16, "text-anchor": "middle" }).textContent = label;
          }
          for (const s of series) {
            const points = s.values.map((v, d) => `${x(d).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
            const line = add("polyline", { points, fill: "none", stroke: s.color, "stroke-width": s.dashed ? 1.5 : 2.2 });
            if (s.dashed) line.setAttribute("stroke-dasharray", "5 4");
            line.setAttribute("data-series", s.label);
          }
          const legend = el("div", { class: "legend" });
          for (const s of series.filter(s => !s.dashed)) { const item = el("span", { text: s.label }); item.style.setProperty("--c", s.color); legend.append(item); }
          box.replaceChildren(svg, legend);
        }

        // ---- Index ----------------------------------------------------------------------------
        async function index() {
          const scenario = $("#room-scenario"), side = $("#room-side");
          async function sides() {
            const view = await api("GET", "/api/scenarios/" + encodeURIComponent(scenario.value));
            side.replaceChildren(...view.sides.map(s => el("option", { value: s.id, text: s.name, selected: s.id === view.defaultSide })));
          }
          scenario.addEventListener("change", sides);
          await sides();
          $("#join-form").addEventListener("submit", e => { e.preventDefault();
            location.href = "/room/" + encodeURIComponent($("#join-code").value.trim().toUpperCase()); });
          $("#room-form").addEventListener("submit", async e => { e.preventDefault();
            const out = $("#room-created");
            try {
              const room = await api("POST", "/api/rooms", { scenario: scenario.value, side: side.value });
              out.replaceChildren("Room ", el("span", { class: "code", text: room.code }), " is open. Your teacher page (keep it to yourself): ",
                el("a", { id: "teacher-link", href: room.teacherURL, text: location.origin + room.teacherURL }));
            } catch (err) { out.textContent = err.message; }
          });
        }

        // ---- Explore ---------------------------------------------------------------------------
        async function explore() {
          const name = document.body.dataset.scenario;
          const view = await api("GET", "/api/scenarios/" + encodeURIComponent(name));
          const inputs = [];
          for (const k of view.knobs) {
            const span = k.high - k.low;
            const step = Math.pow(10, Math.floor(Math.log10(span / 100)));
            const input = el("input", { type: "range", min: k.low, max: k.high, step, value: k.value, "data-knob": k.id });
            input.setAttribute("aria-label", k.label);
            const shown = el("span", { class: "value", text: k.calibrated ? "drawn from the posterior (median " + knobText(k.value) + ")" : knobText(k.value) });
            const box = el("div", { class: "knob", "data-knob": k.id },
              el("label", {}, k.label + (k.unit ? " (" + k.unit + ")" : "") + ": ", shown),
              input, el("div", { class: "range" }, el("span", { text: knobText(k.low) }), el("span", { text: knobText(k.high) })),
              k.why ? el("p", { class: "why", text: (k.calibrated ? "" : "Assumption: ") + k.why }) : null);
            // A knob counts as set only once moved: the slider's steps need not hit the written value.
            const entry = { knob: k, input, touched: false };
            input.addEventListener("input", () => { entry.touched = true; shown.textContent = knobText(+input.value);
              box.classList.add("changed"); });
            input.addEventListener("change", schedule);
            entry.reset = () => { entry.touched = false; input.value = k.value; box.classList.remove("changed");
              shown.textContent = k.calibrated ? "drawn from the posterior (median " + knobText(k.value) + ")" : knobText(k.value); };
            inputs.push(entry);
            $("#knob-list").append(box);
          }
          $("#reset").addEventListener("click", () => { for (const entry of inputs) entry.reset(); schedule(); });
          let timer = null, sequence = 0;
          function schedule() { clearTimeout(timer); timer = setTimeout(run, 120); }
          async function run() {
            const settings = {};
            for (const { knob, input, touched } of inputs) if (touched) settings[knob.id] = +input.value;
            const mine = ++sequence, status = $("#status"), began = performance.now();
            status.classList.remove("busy"); status.textContent = "Running…"; status.dataset.state = "running";
            try {
              const r = await api("POST", "/api/explore", { scenario: name, settings });
              if (mine !== sequence) return;
              draw(r, view);
              status.textContent = `${r.runs.toLocaleString("en")} runs each way, seed ${r.seed}: ${r.seconds.toFixed(2)} s on the server, `
                + `${((performance.now() - began) / 1000).toFixed(2)} s in all. ${pct(r.changed)} of the runs end differently.`;
              $("#rate-warning").hidden = !r.rateExceeded;
              $("#rate-reached").textContent = r.rateReached;
              $("#rate-factor").hidden = !r.rateReached;
              status.dataset.state = "done"; status.dataset.sequence = mine;
            } catch (err) {
              if (mine !== sequence) return;
              status.textContent = err.message; status.classList.add("busy"); status.dataset.state = "error";
            }
          }
          run();
        }

        function draw(r, view) {
          const rows = r.outcomes.filter(o => (o.a || 0) > 0 || (o.b || 0) > 0);
          $("#outcomes tbody").replaceChildren(...rows.map(o => {
            const cell = (p, lo, hi, cls) => el("td", { class: cls }, pct(p) + " (" + pct(lo) + "–" + pct(hi) + ")",
              (() => { const b = el("span", { class: "bar" }); b.style.width = (100 * (p || 0)) + "%"; return b; })());
            return el("tr", { "data-outcome": o.name }, el("td", { text: o.label }), cell(o.a, o.aLow, o.aHigh, "a"),
              cell(o.b, o.bLow, o.bHigh, "b"), diffCell(o.difference, o.low, o.high, 100, 1, " pts"));
          }));
          const shown = r.outcomes.map((o, k) => ({ o, k })).filter(({ o }) => (o.a || 0) > 0 || (o.b || 0) > 0)
            .filter(({ o }) => o.name !== "unresolved");
          const series = [];
          shown.forEach(({ o, k }, i) => {
            const color = palette[i % palette.length];
            series.push({ label: o.label, color, values: r.incidenceB[k] });
            series.push({ label: o.label + " (as written)", color, dashed: true, values: r.incidenceA[k] });
          });
          lineChart($("#incidence-chart"), series, view.start);
          // Rungs every run has reached from the first day draw one line at 100%: keep the highest of them.
          const reached = r.ladder.map((v, rung) => ({ v, rung })).filter(({ v }) => v[v.length - 1] > 0);
          const always = reached.filter(({ v }) => v[0] >= 1);
          const rungs = reached.filter(({ v, rung }) => v[0] < 1 || rung === Math.max(...always.map(a => a.rung)));
          lineChart($("#ladder-chart"), rungs.map(({ v, rung }, i) => ({ label: rung + " " + r.rungNames[rung],
            color: palette[rung % palette.length], values: v })), view.start);
          $("#casualties tbody").replaceChildren(...r.casualties.filter(m => (m.a || 0) > 0 || (m.b || 0) > 0).map(m =>
            el("tr", { "data-metric": m.name }, el("td", { text: m.label }), el("td", { class: "a", text: num(m.a) }),
              el("td", { class: "b", text: num(m.b) }), diffCell(m.difference, m.low, m.high, 1, 2, ""))));
          $("#command").textContent = r.command;
          $("#compare-command").textContent = r.compareCommand;
          $("#summary-csv").textContent = r.summaryCSV;
          $("#compare-csv").textContent = r.compareCSV;
        }

        // ---- Play ------------------------------------------------------------------------------
        async function play() {
          const name = document.body.dataset.scenario;
          const room = params.get("room"), student = params.get("student");
          let game = params.get("game");
          if (game) return show(await api("GET", "/api/games/" + encodeURIComponent(game)));
          if (room && student) return start({ room, student });
          const view = await api("GET", "/api/scenarios/" + encodeURIComponent(name));
          $("#side-list").replaceChildren(...view.sides.map(s => el("button", { type: "button", "data-side": s.id,
            text: "Play " + s.name + (s.id === view.defaultSide ? " (the usual choice)" : ""),
            onclick: () => start({ scenario: name, side: s.id }) })));
        }
        async function start(request) {
          try {
            const view = await api("POST", "/api/games", request);
            const q = new URLSearchParams({ game: view.id }); if (request.room) q.set("room", request.room);
            history.replaceState(null, "", location.pathname + "?" + q);
            show(view);
          } catch (err) { $("#setup").append(el("p", { class: "error", text: err.message })); }
        }
        function show(g) {
          $("#setup").hidden = true; $("#game").hidden = false;
          $("#story").textContent = g.story;
          $("#story-title").textContent = g.finished ? "The story" : "The story so far";
          document.body.dataset.moves = g.moves;
          document.body.dataset.finished = g.finished;
          if (!g.finished) {
            $("#turn").hidden = false; $("#result").hidden = true;
            const t = g.turn;
            $("#turn-date").textContent = `${t.date}: you play ${g.sideName} (move ${g.moves + 1})`;
            $("#turn-what").textContent = `${t.text} (rung ${t.rung}).`;
            $("#gauges").replaceChildren(...t.state.filter(s => s.minimum != null && s.maximum != null && s.value != null).map(s => {
              const fill = el("div", { class: "fill" }); fill.style.width = (100 * (s.value - s.minimum) / (s.maximum - s.minimum)) + "%";
              return el("div", { class: "gauge", "data-state": s.id }, el("div", { text: s.id.replaceAll("_", " ") + ": " + num(s.value) }),
                el("div", { class: "track" }, fill));
            }));
            $("#turn-ledger").textContent = "So far: " + t.ledger + ".";
            $("#choices").replaceChildren(...g.choices.map(c => {
              let tag = "hold";
              if (c.rung >= 0) { const k = c.rung - t.rung; tag = `rung ${c.rung} · ` + (k === 0 ? "in kind" : k > 0 ? `up ${k}` : `down ${-k}`)
                + (c.target ? " · at " + c.target : ""); }
              return el("button", { type: "button", "data-choice": c.id, onclick: () => move(g, c.id) }, el("span", { class: "tag", text: tag }), c.text);
            }));
          } else {
            $("#turn").hidden = true; $("#result").hidden = false;
            $("#result-title").textContent = `Outcome: ${g.outcomeLabel}, ${g.outcomeDate}`;
            $("#result-ledger").textContent = "Ledger: " + g.ledger + ".";
            const c = g.comparison, box = $("#comparison");
            if (c) {
              box.replaceChildren(
                el("p", { id: "same-outcome", text: `Under the scenario's own policy for ${g.sideName}, ${pct(c.sameOutcome)} of ${c.runs.toLocaleString("en")} runs end as yours did.` }),
                el("p", { text: `On your seed, the policy's run ends: ${c.policyRunOutcome}; ${c.policyRunLedger}.` }),
                el("table", { class: "numbers", id: "percentiles" }, el("thead", {}, el("tr", {}, el("th", { text: "Casualties" }),
                  el("th", { text: "Your game" }), el("th", { text: "Policy median" }), el("th", { text: "Your percentile" }))),
                  el("tbody", {}, ...c.counters.filter(r => r.yours > 0 || r.median > 0).map(r => el("tr", { "data-counter": r.name },
                    el("td", { text: r.label }), el("td", { text: num(r.yours) }), el("td", { text: num(r.median) }),
                    el("td", { text: Math.round(100 * r.percentile) + "" })))))
              );
            }
            $("#record-link").href = `/api/games/${g.id}/record`;
            $("#record-link").download = `game-${g.id}.json`;
            $("#replay-command").textContent = g.command;
            $("#again").href = location.pathname + (g.room ? "?room=" + g.room + "&student=" + (params.get("student") || "") : "");
          }
        }
        async function move(g, action) {
          const buttons = [...document.querySelectorAll("#choices button")];
          buttons.forEach(b => b.disabled = true);
          const delay = Math.min(60, Math.max(0, +$("#delay").value || 0));
          try { show(await api("POST", `/api/games/${g.id}/moves`, { action, delay, room: g.room || undefined })); }
          catch (err) { $("#choices").append(el("p", { class: "error", text: err.message })); buttons.forEach(b => b.disabled = false); }
        }

        // ---- Join and teacher ----------------------------------------------------------------------
        function join() {
          $("#name-form").addEventListener("submit", async e => { e.preventDefault();
            try { const j = await api("POST", `/api/rooms/${document.body.dataset.room}/join`, { name: $("#name").value });
              location.href = j.playURL; } catch (err) { $("#join-error").textContent = err.message; } });
        }
        function teacher() {
          const code = document.body.dataset.room, token = params.get("token") || "";
          $("#join-url").textContent = location.origin + "/room/" + code;
          $("#export").href = `/api/rooms/${code}/export.csv?token=${encodeURIComponent(token)}`;
          async function refresh() {
            try {
              const s = await api("GET", `/api/rooms/${code}/summary?token=${encodeURIComponent(token)}`);
              $("#room-status").textContent = `${s.students.length} students, ${s.games} games, ${s.finished} finished. `
                + `They play ${s.sideName}; everyone has the same crisis (seed ${s.seed}). The model's policy: ${s.modelRuns.toLocaleString("en")} runs. `
                + `Updated ${new Date().toLocaleTimeString("en-GB")}.`;
              $("#room-outcomes tbody").replaceChildren(...s.outcomes.map(o => el("tr", { "data-outcome": o.name },
                el("td", { text: o.label }), el("td", { text: o.games }), el("td", { text: pct(o.share) }), el("td", { text: pct(o.model) }))));
              $("#room-choices tbody").replaceChildren(...s.choices.map(c => el("tr", { "data-choice": c.id },
                el("td", { text: c.text }), el("td", { text: c.rung >= 0 ? c.rung : "" }), el("td", { text: c.classMoves }),
                el("td", { text: pct(c.classShare) }), el("td", { text: c.modelPerRun == null ? "–" : num(c.modelPerRun) }))));
              $("#students tbody").replaceChildren(...s.students.map(st => {
                const last = st.games[st.games.length - 1];
                return el("tr", { "data-student": st.name }, el("td", { text: st.name }), el("td", { text: st.games.length }),
                  el("td", { text: last ? last.moves : 0 }), el("td", { text: last ? (last.finished ? last.outcomeLabel : "playing") : "not started" }),
                  el("td", { text: last ? last.choices.join(" → ") : "" }));
              }));
            } catch (err) { $("#room-status").textContent = err.message; }
          }
          refresh(); setInterval(refresh, 2500);
        }

        Promise.resolve().then(() => ({ index, explore, play, join, teacher })[page]?.()).catch(err => {
          const main = $("main"); main.prepend(el("p", { class: "error", text: err.message }));
        });
        """#
}
