"""The one build step pyproject.toml cannot declare (without an experimental table): the compiled quote
kernel, backend/loan_engine/finance/_kernel.c. It is optional: without a C compiler the install still
succeeds, and the Decimal loops in finance/schedule.py do the same work, more slowly."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "loan_engine.finance._kernel",
            sources=["backend/loan_engine/finance/_kernel.c"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
