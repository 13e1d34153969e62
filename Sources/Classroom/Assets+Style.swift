extension Assets {
    /// The one stylesheet: plain CSS, no fonts or images from elsewhere.
    static let css = #"""
        :root { --ink: #1d2433; --muted: #5b6472; --line: #d9dde3; --accent: #b3401f; --base: #7a8699; --bg: #fafaf7; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
        header { display: flex; gap: 1.2em; align-items: baseline; padding: .7em 1.5em; background: var(--ink); color: #fff; }
        header a.home { color: #fff; font-weight: 700; text-decoration: none; }
        header .title { color: #cfd5de; }
        main { max-width: 1200px; margin: 0 auto; padding: 1em 1.5em 3em; }
        h2 { font-size: 1.2em; margin: 1.2em 0 .4em; }
        h3 { font-size: 1.05em; margin: 1em 0 .3em; }
        .note { color: var(--muted); font-size: .92em; }
        .error { color: #a11; }
        .status { color: var(--muted); min-height: 1.4em; }
        .status.busy { color: #a11; }
        .warning { color: #7a4b00; background: #fff4d6; border-left: 4px solid #d99a00; padding: .5em .8em; }
        a.button, button { display: inline-block; padding: .45em .9em; border: 1px solid var(--ink); border-radius: 4px;
          background: #fff; color: var(--ink); font: inherit; text-decoration: none; cursor: pointer; margin: .15em .3em .15em 0; }
        a.button:hover, button:hover { background: var(--ink); color: #fff; }
        button:disabled { opacity: .5; cursor: wait; }
        ul.scenarios { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1em; }
        ul.scenarios li { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .2em 1em .6em; }
        section.rooms { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1em; }
        section.rooms form { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 0 1em 1em; }
        label { display: block; margin: .5em 0; }
        input, select { font: inherit; padding: .25em .4em; }
        section.explore { display: grid; grid-template-columns: minmax(280px, 360px) 1fr; gap: 1.5em; align-items: start; }
        @media (max-width: 800px) { section.explore { grid-template-columns: 1fr; } }
        #knobs { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 0 1em 1em;
          max-height: calc(100vh - 5em); overflow-y: auto; position: sticky; top: 1em; }
        .knob { border-top: 1px solid var(--line); padding: .5em 0; }
        .knob label { margin: 0; font-size: .93em; }
        .knob .value { font-weight: 700; font-variant-numeric: tabular-nums; }
        .knob.changed .value { color: var(--accent); }
        .knob input[type=range] { width: 100%; }
        .knob .why { color: var(--muted); font-size: .82em; margin: .1em 0 0; }
        .knob .range { color: var(--muted); font-size: .8em; display: flex; justify-content: space-between; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { border-bottom: 1px solid var(--line); padding: .3em .5em; text-align: left; vertical-align: top; }
        table.numbers td + td, table.numbers th + th { text-align: right; font-variant-numeric: tabular-nums; }
        td .bar { display: block; height: 6px; background: var(--base); margin-top: 3px; border-radius: 2px; }
        td.b .bar { background: var(--accent); }
        .up { color: var(--accent); } .down { color: #1f6fb3; } .same { color: var(--muted); }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 1em; margin-top: 1em; }
        figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6em; }
        figcaption { font-size: .88em; color: var(--muted); margin-bottom: .3em; }
        svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
        .legend { font-size: .82em; display: flex; flex-wrap: wrap; gap: .3em 1em; }
        .legend span::before { content: ""; display: inline-block; width: 14px; height: 3px; margin-right: 4px;
          vertical-align: middle; background: var(--c); }
        pre { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .6em; overflow-x: auto;
          white-space: pre-wrap; font-size: .86em; }
        code { font-size: .9em; }
        #turn, #result { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .2em 1em 1em; }
        .what { font-size: 1.1em; }
        .gauges { display: flex; flex-wrap: wrap; gap: .6em 1.5em; }
        .gauge { min-width: 160px; font-size: .88em; }
        .gauge .track { height: 8px; background: var(--line); border-radius: 4px; overflow: hidden; }
        .gauge .fill { height: 100%; background: var(--accent); }
        .ledger { color: var(--muted); }
        #choices button { display: block; width: 100%; text-align: left; margin: .3em 0; }
        #choices button .tag { float: right; color: var(--muted); font-size: .85em; }
        #choices button:hover .tag { color: #ddd; }
        .code { font: 700 2em ui-monospace, monospace; letter-spacing: .15em; padding: 0 .3em; background: #fff;
          border: 1px solid var(--line); border-radius: 4px; }
        .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1.5em; }
        """#
}
