// The launch page of a minimal fhirclient.js app, written the way the library's own examples
// do: `authorize` reads `iss` and `launch` from the address, discovers the server and sends the
// browser to its authorization endpoint (PKCE where the server supports it).
import FHIR from "fhirclient";

FHIR.oauth2.authorize({
  clientId: "bedside",
  scope: "launch patient/*.read",
  redirectUri: "callback.html",
});
