// Package kernelspec installs and removes the gograd Jupyter kernelspec.
//
// # Overview
//
// A kernelspec is a directory named after the kernel inside a Jupyter
// "kernels" directory. Jupyter front ends (JupyterLab, the classic
// notebook, jupyter console, nbclient, VS Code) list every kernelspec they
// find on their search path and start a kernel by running the argv of its
// kernel.json. The gograd kernelspec directory holds:
//
//	kernel.json      argv, display name "Go (gograd)", language "go",
//	                 interrupt_mode "message"
//	gograd           the kernel executable itself (gograd.exe on Windows),
//	                 so the spec keeps working when the build cache or the
//	                 source tree moves; argv names it by absolute path
//	logo-32x32.png   the logo, drawn by this package (see Logo)
//	logo-64x64.png
//	logo-svg.svg
//
// # Where
//
// Install resolves the destination the way jupyter_core does:
//
//   - Location User (the default): $JUPYTER_DATA_DIR when set, otherwise
//     $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter on Linux and BSD,
//     ~/Library/Jupyter on macOS and %APPDATA%\jupyter on Windows;
//   - Location SysPrefix: <sys.prefix>/share/jupyter of the active Python
//     environment: $VIRTUAL_ENV, else $CONDA_PREFIX, else what
//     `python3 -c 'import sys; print(sys.prefix)'` prints;
//   - Location Prefix: <DIR>/share/jupyter for an explicit DIR.
//
// In each case the spec goes to <data dir>/kernels/<name>.
//
// # Invariants
//
// Install is idempotent: installing twice leaves one spec with the newest
// binary, and a running kernel keeps its old executable because the new
// one is renamed into place rather than written over. Uninstall removes the
// spec directory only if it holds a kernel.json (it never removes an
// unrelated directory) and succeeds when nothing is installed. Neither
// needs Jupyter to be installed.
package kernelspec
