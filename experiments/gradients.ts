// Registers TF.js's gradient functions. The Node build of @tensorflow/tfjs-core ships none (its
// register_all_gradients module is ESM that Node cannot load), while the @tensorflow/tfjs
// bundle registers them all on import, on the same core.
import '@tensorflow/tfjs';
