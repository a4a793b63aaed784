"""Build for zmqlite: one Cython extension, ``zmqlite._core``.

``src/zmqlite/_core.pyx`` is the root; it ``include``s the other ``src/**/*.pyx`` parts, which
Cython resolves through ``include_path=["src"]``.  C headers live in ``include/``.

Environment:
    ZMQLITE_DEBUG=1   debug build: defines ZMQLITE_DEBUG, -O0 -g with asserts on; generated C
                      and annotated HTML go under build/cython-debug/ so release and debug C
                      never mix.
    ZMQLITE_CURVE=    CURVE needs libsodium, found with pkg-config or in the compiler's
                      default paths. Unset: CURVE if libsodium is found, else a build
                      without it (zmq.has("curve") is then False). 1: libsodium is required
                      (the build fails without it; .ci/run and the wheels use this). 0: never.

No build has Cython's line tracing (the linetrace directive, CYTHON_TRACE): a traced
module takes the GIL on the way out of every nogil function on Python < 3.12, whatever
CYTHON_TRACE_NOGIL says (seen with Cython 3.3.1), so the I/O thread would wait for the
GIL while it holds the context lock, and a user thread holding the GIL and waiting for
that lock deadlocks with it (the first tcp PUSH/PULL hung). The I/O thread never takes
the GIL in any build: tests/test_gil.py checks it.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
DEBUG = os.environ.get("ZMQLITE_DEBUG", "").strip().lower() not in ("", "0", "false", "no")


def _rel(pattern):
    # Relative paths keep setuptools happy (it refuses absolute source paths in sdists).
    return sorted(
        os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, pattern), recursive=True)
    )


def _depends():
    # Every Cython part and header, so an edit to any of them rebuilds _core.
    files = []
    for pattern in ("src/**/*.pyx", "src/**/*.pxd", "src/**/*.pxi", "include/*.h"):
        files.extend(_rel(pattern))
    return sorted(set(files))


class BuildExt(build_ext):
    """Cythonize when compiling, not at import: an sdist or metadata needs no C generation."""

    def run(self):
        from Cython.Build import cythonize

        directives = {
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
        }
        generated = cythonize(
            self.extensions,
            include_path=["src"],
            compiler_directives=directives,
            annotate=DEBUG,
            # Debug C goes to its own tree so switching builds never reuses the other's C.
            build_dir="build/cython-debug" if DEBUG else None,
        )
        # Keep the Extension objects finalize_options() prepared; only swap .pyx for .c.
        c_sources = {ext.name: ext.sources for ext in generated}
        for ext in self.extensions:
            ext.sources = c_sources[ext.name]
        super().run()


def _sodium():
    """(include dirs, library dirs, libraries) for libsodium, or None when not found."""
    if shutil.which("pkg-config"):
        try:
            cflags = subprocess.check_output(["pkg-config", "--cflags", "libsodium"], text=True)
            libs = subprocess.check_output(["pkg-config", "--libs", "libsodium"], text=True)
        except (OSError, subprocess.CalledProcessError):
            pass
        else:
            incs = [f[2:] for f in cflags.split() if f.startswith("-I")]
            libdirs = [f[2:] for f in libs.split() if f.startswith("-L")]
            names = [f[2:] for f in libs.split() if f.startswith("-l")]
            return incs, libdirs, names or ["sodium"]
    # no pkg-config: can the compiler link it from its default paths?
    from setuptools._distutils.ccompiler import new_compiler
    from setuptools._distutils.errors import CompileError, LinkError

    compiler = new_compiler()
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write("#include <sodium.h>\nint main(void) { return sodium_init() < 0; }\n")
        try:
            objs = compiler.compile([src], output_dir=tmp)
            compiler.link_executable(objs, os.path.join(tmp, "probe"), libraries=["sodium"])
        except (CompileError, LinkError):
            return None
    return [], [], ["sodium"]


def _curve_settings():
    want = os.environ.get("ZMQLITE_CURVE", "").strip().lower()
    if want in ("0", "no", "false"):
        return None
    found = _sodium()
    if found is None and want in ("1", "yes", "true"):
        sys.exit("ZMQLITE_CURVE=1 but libsodium was not found (install libsodium-dev / libsodium-devel)")
    if found is None:
        print("zmqlite: libsodium not found, building without CURVE", file=sys.stderr)
    return found


def _extension():
    define_macros = []
    compile_args = ["-pthread"]
    include_dirs = ["include"]
    library_dirs = []
    libraries = []
    curve = _curve_settings()
    if curve is not None:
        define_macros += [("ZL_HAVE_SODIUM", "1")]
        include_dirs += curve[0]
        library_dirs += curve[1]
        libraries += curve[2]
    if DEBUG:
        define_macros += [("ZMQLITE_DEBUG", "1")]
        compile_args += ["-O0", "-g", "-UNDEBUG"]
    else:
        compile_args += ["-O2"]
    return Extension(
        "zmqlite._core",
        sources=["src/zmqlite/_core.pyx"],
        include_dirs=include_dirs,
        library_dirs=library_dirs,
        libraries=libraries,
        define_macros=define_macros,
        extra_compile_args=compile_args,
        extra_link_args=["-pthread"],
        depends=_depends(),
        language="c",
    )


setup(
    # every subpackage (eventloop, utils, log...) goes into the wheel, not only the top;
    # zmqlite._as_zmq.zmq is the `zmq` shim that install_as_zmq() puts in PYTHONPATH
    packages=find_packages(include=["zmqlite", "zmqlite.*"]) + ["zmqlite._as_zmq.zmq"],
    ext_modules=[_extension()],
    cmdclass={"build_ext": BuildExt},
    zip_safe=False,
)
