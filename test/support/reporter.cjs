// mocha's spec reporter, closing with one plain "N passed, N failed" line that CI reads.
const Mocha = require('mocha');

class CoursePulseReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      process.stdout.write(`${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}\n`);
    });
  }
}

module.exports = CoursePulseReporter;
