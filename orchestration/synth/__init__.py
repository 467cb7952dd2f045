"""`ogi synth`: real-shaped sample reports, generated with their truth.

`make run` loads these, the benchmarks load thousands of them, and the tests
use them where breadth is needed. `generator` writes the reports of the
official forms in every era (text, HTML, crawler and legacy layouts come from
`html`, `crawler`, `layouts`), each with a gold file of every figure and the
errors planted on purpose.
"""
