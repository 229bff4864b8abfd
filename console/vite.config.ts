import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the API server from console/dist; in `vite dev` the API is proxied.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), tailwindcss()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: {
    proxy: Object.fromEntries(['/v1', '/api', '/s3', '/files', '/storage', '/openapi.json'].map((p) => [p, 'http://localhost:3000'])),
  },
});
