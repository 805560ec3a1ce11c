/**
 * Message templates: `{name}` placeholders, and plural forms chosen by `Intl.PluralRules` on the `count`
 * parameter. The types read the placeholders out of the English templates, so `t()` rejects a missing or
 * unknown parameter at compile time.
 */

/** Plural forms by CLDR category; `other` is required, as it is the only form every language has. */
export type PluralForms = { readonly [Category in Intl.LDMLPluralRule]?: string } & { readonly other: string };
export type Template = string | PluralForms;

/** Every text a template can produce: the string itself, or each of its plural forms. */
type TemplateTexts<T> = T extends string ? T : T extends PluralForms ? Exclude<T[keyof T], undefined> : never;

type PlaceholdersIn<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | PlaceholdersIn<Rest> : never;

/** The `{name}`s a template uses, in any of its forms. */
export type Placeholders<T> = PlaceholdersIn<TemplateTexts<T>>;

type ParamValue<Name> = Name extends "count" ? number : string | number;

/** The parameters a template needs; plural templates always need a numeric `count`. */
export type TemplateParams<T> = { [Name in Placeholders<T>]: ParamValue<Name> } & (T extends string ? unknown : { count: number });

/** `[]` when a template takes no parameters, else `[params]`. */
export type TemplateArgs<T> = T extends string
  ? [Placeholders<T>] extends [never]
    ? []
    : [params: TemplateParams<T>]
  : [params: TemplateParams<T>];

export type ParamValues = Readonly<Record<string, string | number>>;

const pluralRules = new Map<string, Intl.PluralRules>();

function pluralCategory(language: string, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  return rules.select(count);
}

/** Picks the plural form for `params.count` in `language`, then fills the placeholders. */
export function formatTemplate(language: string, template: Template, params: ParamValues): string {
  let text: string;
  if (typeof template === "string") text = template;
  else {
    const count = params["count"];
    text = (typeof count === "number" ? template[pluralCategory(language, count)] : undefined) ?? template.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
