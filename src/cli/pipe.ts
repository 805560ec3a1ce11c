import { readLines } from "./paper.js";
import { EXIT } from "../failures.js";
import { describeSystemError } from "../out-file.js";

export interface ClosablePipe {
  write: (text: string) => void;
  closed: () => boolean;
  /** A write failed for another reason than a reader gone (ENOSPC, EIO…): already said on stderr; the command must exit 1. */
  failed: () => boolean;
  /** Runs `listener` once the reader has gone (at once if it already has). */
  onClose: (listener: () => void) => void;
}

const pipes = new WeakMap<NodeJS.WriteStream, ClosablePipe>();

/**
 * stdout or stderr, which a reader may close early (`paperbot candidates | head -1`): EPIPE then only means
 * nobody is listening, so later output is dropped and the command finishes (its decision recorded, its exit code
 * kept) instead of dying on an unhandled 'error' event. Any other write error (`> /dev/full`) is one line on
 * stderr and exit code 1. One listener per stream, however often it is asked for.
 */
export function closablePipe(stream: NodeJS.WriteStream): ClosablePipe {
  const known = pipes.get(stream);
  if (known) return known;
  let closed = false;
  let failed = false;
  const listeners: (() => void)[] = [];
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") {
      // A full disk, a broken device: the output is lost, which is a failure, but one to state, not a stack trace.
      failed = true;
      if (!process.exitCode) process.exitCode = EXIT.failed;
      if (stream !== process.stderr)
        closablePipe(process.stderr).write(`paperbot: cannot write the output: ${describeSystemError(error)}\n`);
    }
    closed = true;
    for (const listener of listeners.splice(0)) listener();
  });
  const pipe: ClosablePipe = {
    write: (text) => void (closed || stream.destroyed || stream.write(text)),
    closed: () => closed || stream.destroyed,
    failed: () => failed,
    onClose: (listener) => (closed ? listener() : void listeners.push(listener)),
  };
  pipes.set(stream, pipe);
  return pipe;
}

/**
 * Lines of stdin until it ends, or until nobody reads our answers any more (`yes lora | paperbot paper --batch |
 * head -1`): then stdin is closed too, so the process ends rather than waiting for input it would not answer.
 */
export async function* linesWhileRead(stdin: NodeJS.ReadStream, output: ClosablePipe): AsyncGenerator<string> {
  output.onClose(() => stdin.destroy());
  try {
    for await (const line of readLines(stdin)) {
      if (output.closed()) return;
      yield line;
    }
  } catch (error) {
    // Destroying stdin mid-read ends its iterator with a premature-close error: expected here.
    if (!output.closed()) throw error;
  }
}
