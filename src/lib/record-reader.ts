// Streams records out of a JSONL or CSV byte stream without ever holding the whole file: chunks are decoded as
// they arrive and only the unfinished tail of the last line (or quoted CSV field) is carried over.
// Each record keeps the line it starts on (CSV: the header is line 1), so errors can point at the file.

export interface LineRecord {
  line: number;
  /** JSONL: the parsed value. CSV: the fields of the row. */
  value?: unknown;
  fields?: string[];
  /** Why the line could not be read (bad JSON, an unterminated quote). */
  error?: string;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Incremental RFC 4180 parser: quoted fields may hold commas, newlines and doubled quotes; CRLF or LF rows. */
export class CsvParser {
  private fields: string[] = [];
  private field = "";
  private inQuotes = false;
  /** Inside quotes, the previous character was a quote: either an escaped quote or the closing one. */
  private quotePending = false;
  private fieldQuoted = false;
  private line = 1;
  private recordLine = 1;

  push(text: string, out: LineRecord[]): void {
    let runStart = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === QUOTE) {
            // "" inside quotes is one quote.
            this.field += '"';
            runStart = i + 1;
            continue;
          }
          this.inQuotes = false; // that quote closed the field; handle c as unquoted below
        } else {
          if (c === QUOTE) {
            this.field += text.slice(runStart, i);
            runStart = i + 1;
            this.quotePending = true;
          } else if (c === LF) this.line++;
          continue;
        }
      }
      if (c === COMMA) {
        this.field += text.slice(runStart, i);
        this.fields.push(this.field);
        this.field = "";
        this.fieldQuoted = false;
        runStart = i + 1;
      } else if (c === LF) {
        this.field += text.slice(runStart, i);
        runStart = i + 1;
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
      } else if (c === CR) {
        this.field += text.slice(runStart, i);
        runStart = i + 1;
      } else if (c === QUOTE && this.field === "" && runStart === i && !this.fieldQuoted) {
        this.inQuotes = true;
        this.fieldQuoted = true;
        runStart = i + 1;
      }
    }
    this.field += text.slice(runStart);
  }

  end(out: LineRecord[]): void {
    if (this.inQuotes && !this.quotePending) {
      out.push({ line: this.recordLine, error: "a quoted field is never closed" });
      this.reset();
      return;
    }
    this.inQuotes = false;
    this.quotePending = false;
    this.endRecord(out);
  }

  private endRecord(out: LineRecord[]): void {
    this.fields.push(this.field);
    const fields = this.fields;
    this.reset();
    // A blank line is no record.
    if (fields.length === 1 && fields[0] === "") return;
    out.push({ line: this.recordLine, fields });
  }

  private reset(): void {
    this.fields = [];
    this.field = "";
    this.fieldQuoted = false;
    this.inQuotes = false;
    this.quotePending = false;
  }
}

/** Incremental JSON Lines: one JSON value per line; blank lines are skipped. */
export class JsonlParser {
  private tail = "";
  private line = 0;

  push(text: string, out: LineRecord[]): void {
    let start = 0;
    const data = this.tail ? this.tail + text : text;
    this.tail = "";
    for (;;) {
      const nl = data.indexOf("\n", start);
      if (nl === -1) break;
      this.emit(data.slice(start, nl), out);
      start = nl + 1;
    }
    this.tail = data.slice(start);
  }

  end(out: LineRecord[]): void {
    if (this.tail !== "") this.emit(this.tail, out);
    this.tail = "";
  }

  private emit(raw: string, out: LineRecord[]): void {
    this.line++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") return;
    try {
      out.push({ line: this.line, value: JSON.parse(text) });
    } catch {
      out.push({ line: this.line, error: "not valid JSON" });
    }
  }
}

/**
 * Reads a byte stream through a parser, yielding records a chunk at a time (an array per chunk keeps the
 * per-record overhead of async iteration off a million-line import).
 */
export async function* readRecords(stream: ReadableStream<Uint8Array>, parser: CsvParser | JsonlParser): AsyncGenerator<LineRecord[]> {
  const decoder = new TextDecoder("utf-8");
  let first = true;
  for await (const chunk of stream) {
    let text = decoder.decode(chunk, { stream: true });
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a BOM from spreadsheet exports
      first = false;
    }
    const out: LineRecord[] = [];
    parser.push(text, out);
    if (out.length) yield out;
  }
  const out: LineRecord[] = [];
  parser.push(decoder.decode(), out);
  parser.end(out);
  if (out.length) yield out;
}
