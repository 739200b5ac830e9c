#!/usr/bin/env bash
# Workload git-hooks: everyday git in a repository with pre-commit and commit-msg hooks (shell
# scripts): commits, a branch, a merge, log and status.
# Phases: setup | run | cleanup | start-dir | scrubs | describe (see scripts/record-execs.sh).
set -euo pipefail
dir=/tmp/rec-git
case "${1:-}" in
describe)
    echo "run: git init $dir/repo; install pre-commit (git diff --cached --check, sh -n on staged"
    echo "     .sh files) and commit-msg (conventional prefix) hooks; 3 commits on main, a branch"
    echo "     with 2 commits, git merge --no-ff, git log --oneline --graph, git status, git tag"
    ;;
start-dir) echo "$dir" ;;
scrubs) ;;
setup) rm -rf "$dir" && mkdir -p "$dir" ;;
run)
    cd "$dir"
    git init -q -b main repo
    cd repo
    git config user.name "Dev"
    git config user.email "dev@example.com"
    cat >.git/hooks/pre-commit <<'HOOK'
#!/bin/sh
# Reject whitespace errors and shell scripts that do not parse.
set -e
git diff --cached --check
for f in $(git diff --cached --name-only --diff-filter=ACM | grep '\.sh$' || true); do
    sh -n "$f"
done
HOOK
    cat >.git/hooks/commit-msg <<'HOOK'
#!/bin/sh
# Conventional commit prefixes only.
if ! head -n1 "$1" | grep -qE '^(feat|fix|docs|chore|refactor|test)(\(.+\))?: .+'; then
    echo "commit message must start with feat:, fix:, docs:, chore:, refactor: or test:" >&2
    exit 1
fi
HOOK
    chmod +x .git/hooks/pre-commit .git/hooks/commit-msg
    printf '# demo\n' >README.md
    git add README.md
    git commit -q -m "docs: readme"
    printf '#!/bin/sh\necho build\n' >build.sh
    git add build.sh
    git commit -q -m "feat: build script"
    if git commit -q --allow-empty -m "bad message" 2>/dev/null; then
        echo "commit-msg hook did not run" >&2
        exit 1
    fi
    git checkout -q -b topic
    printf 'VERSION=1\n' >version.env
    git add version.env
    git commit -q -m "feat(version): version file"
    printf '#!/bin/sh\necho build\necho test\n' >build.sh
    git commit -q -am "fix: build runs tests"
    git checkout -q main
    printf '# demo\n\nA demo.\n' >README.md
    git commit -q -am "docs: describe"
    git merge -q --no-ff -m "chore: merge topic" topic
    git log --oneline --graph | cat
    git status --short
    git tag v0.1.0
    git describe --tags
    ;;
cleanup) rm -rf "$dir" ;;
*)
    echo "usage: $0 setup|run|cleanup|start-dir|scrubs|describe" >&2
    exit 2
    ;;
esac
