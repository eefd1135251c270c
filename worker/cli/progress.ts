// A one-line progress bar on stderr (plain periodic lines when stderr is not a terminal).

export function progressBar(label: string): (done: number, total: number) => void {
  const started = Date.now();
  let lastLine = 0;
  return (done, total) => {
    const ratio = total === 0 ? 1 : done / total;
    const width = 30;
    const filled = Math.round(ratio * width);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const line = `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${seconds}s`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}${done >= total ? "\n" : ""}`);
    } else if (done >= total || Date.now() - lastLine > 2000) {
      process.stderr.write(`${line}\n`);
      lastLine = Date.now();
    }
  };
}
