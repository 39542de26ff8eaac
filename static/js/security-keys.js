// After django-otp-webauthn's script (otp_webauthn_register.js) has added a security key, go where the server
// says: the new recovery codes (a first second factor) or the account page.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const next = event.detail && event.detail.response && event.detail.response.redirect_url;
  if (next) {
    window.location.assign(next);
  }
});
