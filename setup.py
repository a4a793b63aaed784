"""Build for zmqlite: one Cython extension, ``zmqlite._core``.

``src/zmqlite/_core.pyx`` is the root; it ``include``s the other ``src/**/*.pyx`` parts, which
Cython resolves through ``include_path=["src"]``.  C headers live in ``include/``.

Environment:
    ZMQLITE_DEBUG=1   debug build: defines ZMQLITE_DEBUG, -O0 -g with asserts on; generated C
                      and annotated HTML go under build/cython-debug/ so release and debug C
                      never mix.

No build has Cython's line tracing (the linetrace directive, CYTHON_TRACE): a traced
module takes the GIL on the way out of every nogil function on Python < 3.12, whatever
CYTHON_TRACE_NOGIL says (seen with Cython 3.3.1), so the I/O thread would wait for the
GIL while it holds the context lock, and a user thread holding the GIL and waiting for
that lock deadlocks with it (the first tcp PUSH/PULL hung). The I/O thread never takes
the GIL in any build: tests/test_gil.py checks it.
"""

import glob
import os

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


def _extension():
    define_macros = []
    compile_args = ["-pthread"]
    if DEBUG:
        define_macros += [("ZMQLITE_DEBUG", "1")]
        compile_args += ["-O0", "-g", "-UNDEBUG"]
    else:
        compile_args += ["-O2"]
    return Extension(
        "zmqlite._core",
        sources=["src/zmqlite/_core.pyx"],
        include_dirs=["include"],
        define_macros=define_macros,
        extra_compile_args=compile_args,
        extra_link_args=["-pthread"],
        depends=_depends(),
        language="c",
    )


setup(
    # zmqlite._as_zmq.zmq is the `zmq` shim that install_as_zmq() puts in PYTHONPATH
    packages=find_packages(include=["zmqlite", "zmqlite.*"]) + ["zmqlite._as_zmq.zmq"],
    ext_modules=[_extension()],
    cmdclass={"build_ext": BuildExt},
    zip_safe=False,
)
