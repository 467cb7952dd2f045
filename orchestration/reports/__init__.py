"""What maintainers and users read: the quality report (`quality_report`,
`evidence`), one report in the terminal (`show`), the official-layout
workbook (`workbook`, `form`), and the generated reference pages of docs/
(`docs`). They read the warehouse and lay figures out in the official form,
whose rows and labels come from `transforms.codes`.
"""
