/*
 * loan_engine.finance._kernel: the hot path of a quote, compiled.
 *
 * Two functions, both optional accelerators of Python code that stays the reference:
 *
 *   amortize(principal, rate_num, rate_den, payment, periods, mode, odd)
 *       The level-installment loop of schedule._constant_level in integer minor units (cents for
 *       USD), with the periodic rate as the exact fraction rate_num / rate_den. Interest per
 *       period is balance * rate rounded to a whole minor unit by `mode` (0 half-even, 1 half-up,
 *       2 down, 3 up); the last installment pays the remaining balance plus its interest; `odd`
 *       (odd-days interest) is added to the first installment, never making its interest negative.
 *       Returns (rows, first_payment, last_payment), where rows packs (principal, interest,
 *       balance) per installment as native int64, or None when the loop cannot be done here (an
 *       argument of 10**18 or more, or a balance that goes negative or above the amount lent):
 *       the caller then runs the Decimal loop, which handles those cases and reports them.
 *
 *   schedule_json(rows, due_dates, first_payment, level_payment, last_payment, places)
 *       The JSON array of the quote's schedule, byte for byte what msgspec writes for the list of
 *       quotes.schemas.Row the Python path builds: amounts as decimal strings with `places`
 *       decimals, dates as YYYY-MM-DD, fees "0.00" (fees are prepaid finance charges).
 *
 * Why C: a 360-installment quote is 1,080 roundings and 1,800 amounts to format. In CPython each is
 * a Decimal or str object (about 40 ns apiece); here they are integer operations on the stack.
 * tests/unit/test_kernel.py checks both functions against the Decimal path on generated loans.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <stdint.h>
#include <string.h>

#ifndef __SIZEOF_INT128__
#error "the kernel needs a compiler with 128-bit integers (gcc or clang)"
#endif

typedef __int128 wide;

enum { HALF_EVEN = 0, HALF_UP = 1, DOWN = 2, UP = 3 };

/* Amounts stay below 10**18 minor units, so sums of two never overflow int64 and products with a
 * rate numerator (< 2**63) fit in 128 bits. */
static const int64_t LIMIT = 1000000000000000000LL;

/* round(num / den) to an integer by mode; num >= 0, den > 0. */
static int64_t round_ratio(wide num, wide den, int mode)
{
    wide q = num / den, r = num % den;
    switch (mode) {
    case HALF_EVEN:
        if (2 * r > den || (2 * r == den && (q & 1)))
            q++;
        break;
    case HALF_UP:
        if (2 * r >= den)
            q++;
        break;
    case UP:
        if (r)
            q++;
        break;
    default: /* DOWN */
        break;
    }
    return (int64_t)q;
}

/* An int argument as int64; -1 with *fits = 0 when it does not fit. */
static int64_t arg_int64(PyObject *value, int *fits)
{
    int overflow = 0;
    long long out = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow || (out == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        *fits = 0;
        return -1;
    }
    return (int64_t)out;
}

static PyObject *amortize(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "amortize() takes 7 arguments");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        if (!PyLong_Check(args[i])) {
            PyErr_SetString(PyExc_TypeError, "amortize() takes int arguments");
            return NULL;
        }
    }
    int fits = 1;
    int64_t balance = arg_int64(args[0], &fits), rate_num = arg_int64(args[1], &fits);
    int64_t rate_den = arg_int64(args[2], &fits), payment = arg_int64(args[3], &fits);
    int64_t periods = arg_int64(args[4], &fits), mode = arg_int64(args[5], &fits);
    int64_t odd = arg_int64(args[6], &fits);
    if (!fits || balance >= LIMIT || payment >= LIMIT || odd >= LIMIT || odd <= -LIMIT || periods > 100000)
        Py_RETURN_NONE; /* out of the kernel's range: the Decimal loop takes it */
    if (balance <= 0 || rate_num < 0 || rate_den <= 0 || payment <= 0 || periods < 1 || mode < 0 || mode > 3) {
        PyErr_SetString(PyExc_ValueError, "amortize(): amounts and periods must be positive, the rate not negative");
        return NULL;
    }

    const int64_t lent = balance;
    PyObject *rows = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(periods * 3 * sizeof(int64_t)));
    if (rows == NULL)
        return NULL;
    int64_t *out = (int64_t *)PyBytes_AS_STRING(rows);
    for (int64_t k = 0; k < periods - 1; k++) {
        int64_t interest = round_ratio((wide)balance * rate_num, rate_den, (int)mode);
        int64_t paid = payment - interest;
        balance -= paid;
        if (balance < 0 || balance > lent) { /* overpaid, or never amortizes: the Decimal loop decides */
            Py_DECREF(rows);
            Py_RETURN_NONE;
        }
        out[3 * k] = paid;
        out[3 * k + 1] = interest;
        out[3 * k + 2] = balance;
    }
    int64_t *last = out + 3 * (periods - 1);
    last[0] = balance;
    last[1] = round_ratio((wide)balance * rate_num, rate_den, (int)mode);
    last[2] = 0;
    int64_t last_payment = balance + last[1];
    int64_t first_payment = periods == 1 ? last_payment : payment;

    if (odd < -out[1]) /* a short first period never makes the first interest negative */
        odd = -out[1];
    out[1] += odd;
    first_payment += odd;
    if (periods == 1)
        last_payment = first_payment;
    return Py_BuildValue("(NLL)", rows, (long long)first_payment, (long long)last_payment);
}

/* ---- JSON ------------------------------------------------------------------------------------- */

static const int64_t POW10[] = {1, 10, 100, 1000, 10000};

/* "00" "01" ... "99": integers are written two digits at a time. */
static const char PAIRS[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                               "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                               "8081828384858687888990919293949596979899";

/* The decimal digits of v written backwards, ending just before `end`; returns where they start. */
static char *digits_back(char *end, uint64_t v)
{
    while (v >= 100) {
        end -= 2;
        memcpy(end, PAIRS + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, PAIRS + 2 * v, 2);
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

/* An amount in minor units as a decimal string with `places` decimals: 158017, 2 -> 1580.17 */
static char *put_amount(char *p, int64_t minor, int places)
{
    char tmp[32];
    char *end = tmp + sizeof tmp, *start = end;
    uint64_t magnitude = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t scale = (uint64_t)POW10[places];
    if (places) {
        uint64_t frac = magnitude % scale;
        for (int i = 0; i < places; i++) {
            *--start = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--start = '.';
    }
    start = digits_back(start, magnitude / scale);
    if (minor < 0)
        *--start = '-';
    memcpy(p, start, (size_t)(end - start));
    return p + (end - start);
}

/* Append a literal. */
#define PUT(p, literal) (memcpy((p), (literal), sizeof(literal) - 1), (p) + sizeof(literal) - 1)

static char *put_date(char *p, PyObject *day)
{
    int year = PyDateTime_GET_YEAR(day), month = PyDateTime_GET_MONTH(day), dom = PyDateTime_GET_DAY(day);
    memcpy(p, PAIRS + 2 * (year / 100), 2);
    memcpy(p + 2, PAIRS + 2 * (year % 100), 2);
    p[4] = '-';
    memcpy(p + 5, PAIRS + 2 * month, 2);
    p[7] = '-';
    memcpy(p + 8, PAIRS + 2 * dom, 2);
    return p + 10;
}

/* The longest row: the keys and quotes (about 100 bytes), five amounts of at most 21 characters,
 * a date and an installment number. */
#define ROW_MAX 256

static PyObject *schedule_json(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 6 || !PyBytes_Check(args[0]) || !PyTuple_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "schedule_json(rows: bytes, due_dates: tuple, first, level, last, places)");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(args[1]);
    long long first = PyLong_AsLongLong(args[2]), level = PyLong_AsLongLong(args[3]);
    long long last = PyLong_AsLongLong(args[4]), places = PyLong_AsLongLong(args[5]);
    if (PyErr_Occurred())
        return NULL;
    if (n < 1 || PyBytes_GET_SIZE(args[0]) != (Py_ssize_t)(n * 3 * sizeof(int64_t)) || places < 0 || places > 4) {
        PyErr_SetString(PyExc_ValueError, "schedule_json(): rows, due dates and places do not match");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!PyDate_Check(PyTuple_GET_ITEM(args[1], k))) {
            PyErr_SetString(PyExc_TypeError, "schedule_json(): due_dates must hold dates");
            return NULL;
        }
    }
    /* The level installment and the zero fee are the same text on most rows: format them once. */
    char level_text[32], fee_text[32];
    size_t level_len = (size_t)(put_amount(level_text, level, (int)places) - level_text);
    size_t fee_len = (size_t)(put_amount(fee_text, 0, (int)places) - fee_text);

    const int64_t *rows = (const int64_t *)PyBytes_AS_STRING(args[0]);
    PyObject *out = PyBytes_FromStringAndSize(NULL, n * ROW_MAX + 2);
    if (out == NULL)
        return NULL;
    char *buffer = PyBytes_AS_STRING(out), *p = buffer;
    *p++ = '[';
    for (Py_ssize_t k = 0; k < n; k++) {
        const int64_t *row = rows + 3 * k;
        p = PUT(p, "{\"number\":");
        p = put_amount(p, k + 1, 0);
        p = PUT(p, ",\"dueDate\":\"");
        p = put_date(p, PyTuple_GET_ITEM(args[1], k));
        p = PUT(p, "\",\"payment\":\"");
        if (k == 0 || k == n - 1) {
            p = put_amount(p, k == 0 ? first : last, (int)places);
        } else {
            memcpy(p, level_text, level_len);
            p += level_len;
        }
        p = PUT(p, "\",\"principal\":\"");
        p = put_amount(p, row[0], (int)places);
        p = PUT(p, "\",\"interest\":\"");
        p = put_amount(p, row[1], (int)places);
        p = PUT(p, "\",\"fees\":\"");
        memcpy(p, fee_text, fee_len);
        p += fee_len;
        p = PUT(p, "\",\"balance\":\"");
        p = put_amount(p, row[2], (int)places);
        p = PUT(p, "\"},");
    }
    p[-1] = ']'; /* the last row's comma */
    _PyBytes_Resize(&out, p - buffer); /* shrinks in place; on failure `out` is NULL with the error set */
    return out;
}

static PyMethodDef methods[] = {
    {"amortize", (PyCFunction)(void (*)(void))amortize, METH_FASTCALL,
     "amortize(principal, rate_num, rate_den, payment, periods, mode, odd) -> (rows, first, last) | None"},
    {"schedule_json", (PyCFunction)(void (*)(void))schedule_json, METH_FASTCALL,
     "schedule_json(rows, due_dates, first, level, last, places) -> bytes"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernel", "Compiled hot path of a quote (see _kernel.c).", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__kernel(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL)
        return NULL;
    return PyModule_Create(&module);
}
