//! Command-line surface: usage errors are one line and exit 2; help teaches.

use crate::support::cors_doctor;

#[test]
fn bad_input_is_a_one_line_error_with_exit_2() {
    let cases: &[&[&str]] = &[
        &["check", "not a url", "--origin", "http://localhost:3000"],
        &[
            "check",
            "ftp://example.com/x",
            "--origin",
            "http://localhost:3000",
        ],
        &["check", "http://127.0.0.1:1/x", "--origin", "localhost:3000"],
        &[
            "check",
            "http://127.0.0.1:1/x",
            "--origin",
            "http://localhost:3000/app",
        ],
        &[
            "check",
            "http://127.0.0.1:1/x",
            "--origin",
            "http://localhost:3000",
            "-H",
            "no-colon",
        ],
        &[
            "check",
            "http://127.0.0.1:1/x",
            "--origin",
            "http://localhost:3000",
            "-H",
            "Cookie: a=b",
        ],
        &[
            "check",
            "http://127.0.0.1:1/x",
            "--origin",
            "http://localhost:3000",
            "-X",
            "CONNECT",
        ],
        &[
            "check",
            "http://127.0.0.1:1/x",
            "--origin",
            "http://localhost:3000",
            "--stack",
            "cobol",
        ],
        &[
            "check",
            "http://127.0.0.1:1/x",
            "--origin",
            "http://localhost:3000",
            "--data",
            "x",
        ],
        &[
            "check",
            "http://127.0.0.1:1/x",
            "--origin",
            "http://localhost:3000",
            "--timeout=-1",
        ],
    ];
    for args in cases {
        let run = cors_doctor(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert_eq!(
            run.stderr.lines().count(),
            1 + run.stderr.lines().filter(|l| l.starts_with("  hint:")).count(),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.starts_with("cors-doctor: error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn missing_arguments_are_usage_errors() {
    let run = cors_doctor(&["check", "http://127.0.0.1:1/x"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("cors-doctor: error: "), "{}", run.stderr);
    assert!(
        run.stderr.lines().next().unwrap().contains("--origin"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.lines().skip(1).all(|l| l.starts_with("  hint:")),
        "{}",
        run.stderr
    );
}

#[test]
fn help_teaches_with_examples_and_exit_codes() {
    let run = cors_doctor(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("EXIT STATUS"));
    let check = cors_doctor(&["check", "--help"]);
    assert_eq!(check.code, 0);
    assert!(check.stdout.contains("EXAMPLES"));
    assert!(check.stdout.contains("--send-actual"));
}

/// The README's first command: every lab case diagnosed as expected, and the tour readable (each
/// case's lines start in its title's text column, whatever the number's width).
#[test]
fn demo_tours_the_lab_with_aligned_cases() {
    let run = cors_doctor(&["demo"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let summary = lines
        .iter()
        .find(|l| l.ends_with("cases diagnosed as expected."))
        .expect("summary line");
    let (ok, total) = summary.split_once(" of ").unwrap();
    assert!(total.starts_with(&format!("{ok} ")), "{summary}");
    let titles: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let t = lines[i].trim_start();
            t.split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect();
    assert_eq!(titles.len().to_string(), ok, "one numbered title per case");
    assert!(titles.len() >= 10, "two-digit numbers are exercised");
    for &i in &titles {
        let column = lines[i].find(". ").unwrap() + 2;
        let detail = lines[i + 1];
        assert_eq!(
            detail.len() - detail.trim_start().len(),
            column,
            "{}\n{detail}",
            lines[i]
        );
    }
}
