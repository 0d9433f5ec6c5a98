//! Runs the lab in the foreground: `cargo run -p cors-doctor-lab --example serve -- [PORT]
//! [ALLOWED_ORIGIN...]`. With `--page FILE` it also writes an HTML page that `fetch()`es every
//! scenario the way its `request` says and logs `RESULT <name> allowed|blocked` to the console,
//! for eyeballing the catalogue against a real browser (serve FILE from an allowed origin).

use cors_doctor_lab::{catalogue, Lab, LabConfig, Scenario};
use std::fmt::Write as _;
use std::net::SocketAddr;

fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let page = take_flag(&mut args, "--page");
    let port: u16 = args.first().and_then(|p| p.parse().ok()).unwrap_or(8788);
    let allowed: Vec<String> = args.iter().skip(1).cloned().collect();
    let mut config = LabConfig::default();
    if !allowed.is_empty() {
        config.allowed_origins = allowed;
    }
    let lab = Lab::start_background(SocketAddr::from(([127, 0, 0, 1], port)), config)?;
    if let Some(path) = page {
        std::fs::write(&path, page_html(&lab.base_url()))?;
        eprintln!("wrote {path}");
    }
    eprintln!("lab listening on {}", lab.base_url());
    loop {
        std::thread::park();
    }
}

fn take_flag(args: &mut Vec<String>, flag: &str) -> Option<String> {
    let i = args.iter().position(|a| a == flag)?;
    let value = args.get(i + 1).cloned();
    args.drain(i..(i + 2).min(args.len()));
    value
}

fn js_string(s: &str) -> String {
    format!("{s:?}")
}

fn fetch_call(base: &str, s: &Scenario) -> String {
    let mut headers = String::new();
    for (n, v) in s.request.headers {
        let _ = write!(headers, "[{}, {}],", js_string(n), js_string(v));
    }
    let body = s.request.body.map_or("undefined".to_string(), js_string);
    format!(
        "[{name}, {url}, {{method: {method}, headers: [{headers}], credentials: {cred}, body: {body}}}],\n",
        name = js_string(s.name),
        url = js_string(&format!("{base}/{}", s.name)),
        method = js_string(s.request.method),
        cred = js_string(s.request.credentials),
    )
}

fn page_html(base: &str) -> String {
    let calls: String = catalogue().iter().map(|s| fetch_call(base, s)).collect();
    format!(
        "<!doctype html><meta charset=utf-8><title>lab parity</title><pre id=out></pre><script>\n\
         const calls = [\n{calls}];\n\
         (async () => {{\n\
           for (const [name, url, init] of calls) {{\n\
             console.log('BEGIN ' + name);\n\
             try {{ const r = await fetch(url, init); console.log('RESULT ' + name + ' allowed ' + r.status); }}\n\
             catch (e) {{ console.log('RESULT ' + name + ' blocked'); }}\n\
           }}\n\
           console.log('DONE');\n\
         }})();\n</script>\n"
    )
}
