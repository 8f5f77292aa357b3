"""Credit policy: decision models in the GoRules JSON Decision Model (JDM) format, evaluated by zen-engine.

* ``facts``    the named inputs a model may read (application, credit report, derived figures)
* ``reasons``  reason codes and their Regulation B wording
* ``model``    parsing and checking a JDM document before it is stored or run
* ``engine``   evaluation: facts in, a ``PolicyDecision`` (decision, grade, maximum amount, reasons) out
* ``checks``   what gates activation: the version's test cases and the monotonicity properties
"""
