// Loads the WebAssembly bundle from a same-origin file, so the page needs no inline script and the
// Content-Security-Policy can stay strict. Trunk writes the hashed bundle names onto our tag.
// Where the browser lacks what Bedside needs, the page says so instead of staying blank.
function explain(title, detail) {
  const box = document.createElement("section");
  box.className = "problem";
  box.setAttribute("role", "alert");
  box.dataset.testid = "unsupported";
  const heading = document.createElement("h2");
  heading.textContent = title;
  const text = document.createElement("p");
  text.textContent = detail;
  box.append(heading, text);
  const main = document.createElement("main");
  main.className = "app";
  main.append(box);
  document.body.append(main);
}

const missing = [];
if (typeof WebAssembly !== "object") missing.push("WebAssembly");
if (!window.isSecureContext) missing.push("a secure (https) connection");
else if (!(window.crypto && window.crypto.subtle && window.crypto.getRandomValues)) missing.push("WebCrypto");
try { window.sessionStorage.getItem("bedside.probe"); } catch (_) { missing.push("session storage"); }

if (missing.length > 0) {
  explain(
    "This browser cannot run Bedside",
    "Bedside needs " + missing.join(", ") + ", which this browser or page does not provide. " +
      "Open Bedside over https in a current browser, or ask your EHR administrator which browser it embeds."
  );
} else {
  const tag = document.querySelector("script[data-bedside-js]");
  const start = async (js, wasm) => {
    const glue = await import(js);
    await glue.default({ module_or_path: wasm });
    return glue;
  };
  try {
    const glue = await start(tag.dataset.bedsideJs, tag.dataset.bedsideWasm);
    // The light launch page (launch.html) sends the browser to sign in by itself; where it
    // cannot, the whole app, which the page prefetches, takes over at the same address.
    if (glue.light_launch && !(await glue.light_launch())) {
      const app = (kind) => document.querySelector(`link[data-bedside-app="${kind}"]`).href;
      document.querySelector("main[data-bedside-light]").remove();
      await start(app("js"), app("wasm"));
    }
  } catch (error) {
    explain("Bedside could not start", "Loading the app failed: " + error + ". Reload the page to try again.");
  }
}
