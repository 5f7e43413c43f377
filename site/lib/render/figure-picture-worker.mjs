// A render worker's entry (render-pool.ts): the worker runs the TypeScript source of
// figure-picture.ts through tsx's loader, registered here in the worker's own thread (Node 20
// does not carry `--import` loaders into worker threads).
import { register } from 'tsx/esm/api';

register();
const { default: renderTask } = await import('./figure-picture.ts');

export default renderTask;
