// Loads the WebAssembly bundle from a same-origin file, so the page needs no inline script and the
// Content-Security-Policy can stay strict. Trunk writes the hashed bundle names onto our tag.
const tag = document.querySelector("script[data-bedside-js]");
const glue = await import(tag.dataset.bedsideJs);
await glue.default({ module_or_path: tag.dataset.bedsideWasm });
