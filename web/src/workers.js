// Monaco web workers, bundled by Vite (the `?worker` suffix makes Vite emit
// each worker as its own file under assets/ and return a constructor), so the
// editor never fetches a worker from a CDN. Same mapping as GraphiQL's
// `graphiql/setup-workers/vite`, without its console.info on every start.
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import JsonWorker from 'monaco-editor/esm/vs/language/json/json.worker.js?worker';
import GraphQLWorker from 'monaco-graphql/esm/graphql.worker.js?worker';

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    switch (label) {
      case 'json':
        return new JsonWorker();
      case 'graphql':
        return new GraphQLWorker();
      default:
        return new EditorWorker();
    }
  },
};
