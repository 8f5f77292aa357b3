"""Loan products: versioned definitions (limits, pricing grid, fees, allocation, delinquency thresholds).

* ``schemas``     the wire form of a product version's definition (amounts and rates as decimal strings)
* ``definition``  the rules: what makes a version publishable, the rate for a grade and term, the loan
                  terms a version gives for an amount and term (for ``finance``), its advertised example
"""
