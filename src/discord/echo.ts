/**
 * User text quoted back in a reply, shown as typed and never rendered: inside inline code Discord draws no
 * markdown, mention, timestamp (<t:…>), command mention, custom emoji, link or invite. Backticks, which would
 * end the code span, become a look-alike (ˋ); the text is cut to `max` characters.
 */
export function echoUserText(text: string, max = 80): string {
  const chars = [...text.replace(/\s+/g, " ").trim().replaceAll("`", "ˋ")];
  const shown = chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join("");
  return `\`${shown}\``;
}
