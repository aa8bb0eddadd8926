# Run by IPython kernels at start through PYTHONSTARTUP (see autoload.py). It runs in the user's
# namespace, so every name here is private and deleted at the end, and nothing may raise.
import os as _jt_os

if _jt_os.environ.get("JUPYTER_TRACK_AUTOLOAD") == "1":
    try:
        # IPython puts get_ipython in the namespace it runs this file in
        _jt_ip = get_ipython()  # type: ignore[name-defined]  # noqa: F821
        if type(_jt_ip).__name__ == "ZMQInteractiveShell":  # a kernel, not a terminal IPython
            _jt_ip.extension_manager.load_extension("jupyter_ext")
        del _jt_ip
    except Exception:  # noqa: BLE001 - nothing may raise at kernel start
        pass  # jupyter_ext is not installed in this kernel's environment: nothing to load

_jt_chain = _jt_os.environ.get("JUPYTER_TRACK_PYTHONSTARTUP_CHAIN")
if _jt_chain and _jt_os.path.isfile(_jt_chain):
    with open(_jt_chain, encoding="utf-8") as _jt_fh:
        exec(compile(_jt_fh.read(), _jt_chain, "exec"))
    del _jt_fh
del _jt_chain, _jt_os
