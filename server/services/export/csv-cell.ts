/**
 * The first characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"):
 * `=`, `+`, `-`, `@`, tab and carriage return. `=HYPERLINK(…)` in a message would otherwise run when
 * an admin opens the export.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/** A text cell as a spreadsheet should show it: a leading formula character gets a `'` before it (OWASP). */
export function neutraliseCsvFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}

/**
 * csv-stringify's `cast` for every CSV the app writes. Only string values are touched, so numeric
 * columns (a seq, a count) keep their sign; `raw` leaves text exactly as stored, for data pipelines
 * that parse the file rather than open it in a spreadsheet.
 */
export function csvCast(raw: boolean): { string?: (value: string) => string } {
  return raw ? {} : { string: neutraliseCsvFormula }
}
