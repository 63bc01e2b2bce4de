// Runs only in browsers without JavaScript modules (`nomodule`), which cannot run Bedside at all.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.createElement("p");
  box.setAttribute("role", "alert");
  box.textContent =
    "This browser is too old to run Bedside (it lacks JavaScript modules and WebAssembly). " +
    "Open Bedside in a current browser, or ask your EHR administrator which browser it embeds.";
  document.body.appendChild(box);
});
