// The join page is served without the app's wasm. A resume link
// (/join?code=…&taken=…#resume=CODE) carries its code after '#', which never
// reaches the server: put it in the resume field.
const match = location.hash.match(/^#resume=(.+)$/);
const field = document.getElementById('join-resume');
if (match && field && !field.value) field.value = decodeURIComponent(match[1]);
