// Placeholder; replaced by real examples once the schema exists.
export const EXAMPLES = [{ query: '{ stats { nodes } }' }];
