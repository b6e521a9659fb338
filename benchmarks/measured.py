"""Run `flask ...` in this process and report its peak RSS: `python -m benchmarks.measured ARGS`.

The last line of stderr is `PEAK_RSS_KB <n>`, read from getrusage for this process alone.
"""
import resource
import sys

from flask.cli import main

if __name__ == "__main__":
    sys.argv = ["flask", *sys.argv[1:]]
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    finally:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"PEAK_RSS_KB {peak}", file=sys.stderr)
    sys.exit(code)
