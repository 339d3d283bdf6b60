// Module resolve hook for running the TypeScript source in this same process:
// adds the `@syncline/source` export condition (what `--conditions=@syncline/source`
// does on the command line), so @syncline/* packages resolve to their src/.
export async function resolve(specifier, context, next) {
  const conditions = context.conditions.includes('@syncline/source') ? context.conditions : [...context.conditions, '@syncline/source'];
  return next(specifier, { ...context, conditions });
}
