// The quick check is served without the app's wasm (its result is computed on
// the server from the query string, and `#result` in the form's action opens
// it at the result). What the app would still do: a percentage's slider and
// number field are kept one value.
for (const field of document.querySelectorAll('.percent-field')) {
  const slider = field.querySelector('input[type=range]');
  const number = field.querySelector('input[type=number]');
  if (!slider || !number) continue;
  slider.addEventListener('input', () => { number.value = slider.value; });
  number.addEventListener('input', () => { if (number.value !== '') slider.value = number.value; });
}
