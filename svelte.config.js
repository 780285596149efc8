// Svelte compiler options: TypeScript preprocessing through Vite.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default { preprocess: vitePreprocess() };
