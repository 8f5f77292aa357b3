#!/usr/bin/env bash
# Run the quote kernel's tests against a build of backend/loan_engine/finance/_kernel.c instrumented with
# AddressSanitizer and UndefinedBehaviorSanitizer: out-of-bounds writes, overflows and the like abort the run.
# The instrumented copy lives in a temporary folder placed first on PYTHONPATH; the tree is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -r backend/loan_engine "$work/loan_engine"
rm -f "$work"/loan_engine/finance/_kernel*.so
include=$($python -c 'import sysconfig; print(sysconfig.get_path("include"))')
suffix=$($python -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
cc -shared -fPIC -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
  -Wall -Wextra -Werror -I"$include" backend/loan_engine/finance/_kernel.c -o "$work/loan_engine/finance/_kernel$suffix"

# Python itself is not instrumented: preload the runtimes, and leave leak checking to the interpreter's own
# allocator (it keeps memory on purpose).
export LD_PRELOAD="$(cc -print-file-name=libasan.so) $(cc -print-file-name=libubsan.so)"
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# pytest puts the repository root first on sys.path; the instrumented package must still win.
PYTHONPATH="$work:$PWD" $python -c '
import sys
sys.path.insert(0, sys.argv[2])
import loan_engine.finance._kernel as kernel
sys.exit(0 if kernel.__file__.startswith(sys.argv[1]) else "the instrumented kernel is not the one loaded")
' "$work" "$PWD"
PYTHONPATH="$work:$PWD" $python -m pytest -q -p no:cacheprovider \
  tests/unit/finance/test_kernel.py tests/unit/quotes/test_quote_json.py tests/unit/finance/test_properties.py "$@"
echo "kernel-sanitize: OK (ASan + UBSan)"
