// One JSON line per event on stdout, buffered so logging never sits on the hot path.
import type { LogLevel } from "../config.ts";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  flush(): void;
}

export function createLogger(level: LogLevel, write: (chunk: string) => void = (c) => process.stdout.write(c)): Logger {
  let buffer: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (buffer.length === 0) return;
    const chunk = buffer.join("");
    buffer = [];
    write(chunk);
  };
  const log = (lvl: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[lvl] < RANK[level]) return;
    buffer.push(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
    if (buffer.length >= 256) flush();
    else if (!scheduled) {
      scheduled = true;
      setTimeout(flush, 5);
    }
  };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error"), flush };
}

export const silentLogger: Logger = createLogger("silent");
