/**
 * Auth0 as a source of users: {@link io.leadbridge.auth0.Auth0ExportJob} runs the Management API's
 * users-exports job and streams its result as a {@link io.leadbridge.core.source.UserSource}.
 */
package io.leadbridge.auth0;
