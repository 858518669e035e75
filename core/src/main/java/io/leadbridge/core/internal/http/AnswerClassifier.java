package io.leadbridge.core.internal.http;

/**
 * What a service makes of an answer: its one contribution to the shared engine. Marketo reads the
 * body of HTTP 200 answers for its error codes; Auth0 reads the status.
 */
@FunctionalInterface
public interface AnswerClassifier {
  /**
   * Classifies an answer.
   *
   * @param answer the answer to one attempt
   * @return what the engine should do with it
   */
  Verdict classify(Answer answer);
}
