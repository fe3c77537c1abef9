// The JSON-lines protocol between a Node script and the Java tests that run it.
//
// Every line a script prints on stdout is one JSON object. Binary values cannot travel in JSON, so
// they are written as {"$bin": "<base64>", "kind": "Buffer" | "ArrayBuffer" | "<TypedArray name>"}
// and read back the same way (kind defaults to Buffer). The Java side (Json.java) uses the same form.
// Commands may also hold {"$date": <ms>} (a Date) and {"$undefined": true} (undefined).

/** Turns Buffers, ArrayBuffers and typed arrays, at any depth, into {$bin, kind} objects. */
export function encode(value) {
  if (value === undefined) {
    return null;
  }
  if (Buffer.isBuffer(value)) {
    return { $bin: value.toString('base64'), kind: 'Buffer' };
  }
  if (value instanceof ArrayBuffer) {
    return { $bin: Buffer.from(value).toString('base64'), kind: 'ArrayBuffer' };
  }
  if (ArrayBuffer.isView(value)) {
    return {
      $bin: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
      kind: value.constructor.name,
    };
  }
  if (Array.isArray(value)) {
    return value.map(encode);
  }
  if (typeof value === 'function') {
    return { $function: true };
  }
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = encode(v);
    }
    return out;
  }
  return value;
}

/** The inverse of encode: {$bin, kind} objects become Buffers (or ArrayBuffers / Uint8Arrays). */
export function decode(value) {
  if (Array.isArray(value)) {
    return value.map(decode);
  }
  if (value !== null && typeof value === 'object') {
    if (typeof value.$date === 'number') { // {$date: ms}: a Date, for the MessagePack parser's tests
      return new Date(value.$date);
    }
    if (value.$undefined === true) {
      return undefined;
    }
    if (typeof value.$bin === 'string') {
      const buf = Buffer.from(value.$bin, 'base64');
      if (value.kind === 'ArrayBuffer') {
        return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
      }
      if (value.kind === 'Uint8Array') {
        return new Uint8Array(buf);
      }
      return buf;
    }
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = decode(v);
    }
    return out;
  }
  return value;
}

/** Prints one result line. stdout is a pipe, written synchronously on Linux and macOS. */
export function out(record) {
  process.stdout.write(JSON.stringify(encode(record)) + '\n');
}

/**
 * Calls onCommand for every JSON line on stdin, and exits when stdin ends (the Java side closed it or
 * died), so no script outlives its test. A watchdog ends the script after WINDSOCK_NODE_MAX_MS anyway.
 */
export function commands(onCommand) {
  const maxMs = Number(process.env.WINDSOCK_NODE_MAX_MS || 120000);
  setTimeout(() => {
    out({ type: 'fatal', message: `watchdog: still running after ${maxMs} ms` });
    process.exit(3);
  }, maxMs).unref();
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) {
        let command;
        try {
          command = JSON.parse(line);
        } catch (e) {
          out({ type: 'fatal', message: `bad command line: ${line}` });
          continue;
        }
        try {
          onCommand(decode(command));
        } catch (e) {
          out({ type: 'fatal', message: `command ${command.op} failed: ${e.stack || e}` });
        }
      }
    }
  });
  process.stdin.on('end', () => process.exit(0));
}

/** Reads the JSON object a script got as its first argument (empty object when none). */
export function params() {
  return process.argv[2] ? decode(JSON.parse(process.argv[2])) : {};
}
