/**
 * RFC 4180 CSV: comma-separated, fields optionally in double quotes (a quote inside doubled), CRLF or
 * LF line ends, UTF-8 with or without BOM. Each record keeps the line it starts on, so an import
 * report can point at `residents.csv:13`.
 */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const delimiter = /[,\r\n"]/g;
  let cells: string[] = [];
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const countLines = (from: number, to: number) => {
    for (let k = src.indexOf('\n', from); k !== -1 && k < to; k = src.indexOf('\n', k + 1)) line += 1;
  };
  // Fields are sliced, not built a character at a time: seal images make files of several MB.
  while (i <= src.length) {
    let cell: string;
    if (src[i] === '"') {
      const parts: string[] = [];
      let pos = i + 1;
      for (;;) {
        const close = src.indexOf('"', pos);
        if (close === -1) throw new CsvSyntaxError(recordLine, '引用符が閉じていません (unterminated quoted field)');
        parts.push(src.slice(pos, close));
        if (src[close + 1] === '"') {
          parts.push('"');
          pos = close + 2;
          continue;
        }
        countLines(i, close);
        i = close + 1;
        break;
      }
      cell = parts.join('');
      if (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r')
        throw new CsvSyntaxError(line, '閉じ引用符の後に文字があります (text after a closing quote)');
    } else {
      delimiter.lastIndex = i;
      const m = delimiter.exec(src);
      const end = m ? m.index : src.length;
      if (m && m[0] === '"') throw new CsvSyntaxError(line, '引用符の位置が不正です (quote inside an unquoted field)');
      cell = src.slice(i, end);
      i = end;
    }
    cells.push(cell);
    if (i >= src.length) {
      // A last record without a line end; a trailing empty field after the final newline is no record.
      if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
      break;
    }
    if (src[i] === ',') {
      i += 1;
      continue;
    }
    // End of record: \r\n, \n or \r. A blank line is not a record.
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
    cells = [];
    i += src[i] === '\r' && src[i + 1] === '\n' ? 2 : 1;
    line += 1;
    recordLine = line;
  }
  return records;
}
