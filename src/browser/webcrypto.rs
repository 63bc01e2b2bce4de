//! RS256 signature checks with WebCrypto (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3),
//! for id_tokens. The key arrives as a JWK from the server's JWKS.

use crate::smart::id_token::RsaJwk;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn set(object: &Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(object, &JsValue::from_str(key), value).map(|_| ())
}

/// True when `signature` is a valid RS256 signature of `signing_input` under `key`. Any
/// failure to import or verify counts as invalid: an unverifiable token is not trusted.
pub async fn verify_rs256(key: &RsaJwk, signing_input: &str, signature: &[u8]) -> bool {
    verify(key, signing_input, signature).await.unwrap_or(false)
}

async fn verify(key: &RsaJwk, signing_input: &str, signature: &[u8]) -> Result<bool, JsValue> {
    let subtle = web_sys::window().ok_or(JsValue::NULL)?.crypto()?.subtle();
    let jwk = Object::new();
    set(&jwk, "kty", &"RSA".into())?;
    set(&jwk, "n", &key.n.as_str().into())?;
    set(&jwk, "e", &key.e.as_str().into())?;
    set(&jwk, "alg", &"RS256".into())?;
    set(&jwk, "ext", &true.into())?;
    let algorithm = Object::new();
    set(&algorithm, "name", &"RSASSA-PKCS1-v1_5".into())?;
    set(&algorithm, "hash", &"SHA-256".into())?;
    let usages = Array::of1(&"verify".into());
    let imported = subtle.import_key_with_object("jwk", &jwk, &algorithm, false, &usages)?;
    let crypto_key: web_sys::CryptoKey = JsFuture::from(imported).await?.dyn_into()?;
    let signature = Uint8Array::from(signature);
    let data = Uint8Array::from(signing_input.as_bytes());
    let verified = subtle.verify_with_str_and_buffer_source_and_buffer_source(
        "RSASSA-PKCS1-v1_5",
        &crypto_key,
        &signature,
        &data,
    )?;
    Ok(JsFuture::from(verified).await?.as_bool().unwrap_or(false))
}
