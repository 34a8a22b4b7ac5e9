/**
 * JSON to put inside a `<script type="application/json">`: the HTML parser ends a script at the
 * first `</script` and treats `<!--` specially, whatever the type, so every `<` is written as
 * `\u003c` (a JSON string escape: JSON.parse of the element's text gives the value back).
 * U+2028 and U+2029 are escaped too, for readers that treat the text as JavaScript.
 */
import Handlebars from 'handlebars';

export function scriptJson(value: unknown): Handlebars.SafeString {
  const json = JSON.stringify(value).replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return new Handlebars.SafeString(json);
}
