package io.leadbridge.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointsTest {

  @ParameterizedTest(name = "{0} is allowed")
  @ValueSource(
      strings = {
        "http://localhost",
        "http://localhost:8080/rest",
        "http://LOCALHOST:1",
        "http://127.0.0.1",
        "http://127.0.0.1:54321",
        "http://127.1.2.3",
        "http://[::1]",
        "http://[::1]:9000/x",
        "http://[0:0:0:0:0:0:0:1]",
        "https://example.com",
        "https://123-ABC-456.mktorest.com/rest"
      })
  void httpsAnywhereAndPlainHttpToLoopback(String url) {
    URI uri = URI.create(url);
    assertThat(Endpoints.check(uri, "The endpoint")).isSameAs(uri);
  }

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(
      strings = {
        "http://example.com",
        "http://example.com:80/x",
        "http://127.0.0.1.example.com",
        "http://localhost.example.com",
        "http://10.0.0.1",
        "http://0177.0.0.1",
        "http://[::2]",
        "http://[fe80::1]"
      })
  void plainHttpToAnyOtherHostIsRefused(String url) {
    assertThatThrownBy(() -> Endpoints.check(URI.create(url), "The endpoint"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Plain http://")
        .hasMessageContaining("use https://");
  }

  @Test
  void otherSchemesAndUrlsWithoutHostAreRefused() {
    assertThatThrownBy(() -> Endpoints.check(URI.create("ftp://example.com"), "The endpoint"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The endpoint must use https://, not ftp://.");
    assertThatThrownBy(() -> Endpoints.check(URI.create("example.com"), "The endpoint"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("with a host");
    // hosts that java.net.URI does not parse as hosts at all
    for (String url : new String[] {"http://0x7f.0.0.1", "http://127.0.0.256"}) {
      assertThatThrownBy(() -> Endpoints.check(URI.create(url), "The endpoint"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void loopbackIsDecidedFromTheTextAlone() {
    // Names are never looked up: only localhost and loopback literals count.
    assertThat(Endpoints.isLoopback("localhost")).isTrue();
    assertThat(Endpoints.isLoopback("127.0.0.1")).isTrue();
    assertThat(Endpoints.isLoopback("[::1]")).isTrue();
    assertThat(Endpoints.isLoopback("::1")).isTrue();
    assertThat(Endpoints.isLoopback("ip6-localhost")).isFalse();
    assertThat(Endpoints.isLoopback("example.com")).isFalse();
    assertThat(Endpoints.isLoopback("")).isFalse();
    assertThat(Endpoints.isLoopback(null)).isFalse();
  }

  @Test
  void sameOriginComparesSchemeHostAndDefaultPorts() {
    URI base = URI.create("https://tenant.eu.auth0.com");
    assertThat(Endpoints.sameOrigin(URI.create("https://TENANT.eu.auth0.com:443/x?y"), base))
        .isTrue();
    assertThat(Endpoints.sameOrigin(URI.create("https://tenant.eu.auth0.com:8443/x"), base))
        .isFalse();
    assertThat(Endpoints.sameOrigin(URI.create("https://bucket.example.com/x"), base)).isFalse();
    assertThat(Endpoints.sameOrigin(URI.create("http://tenant.eu.auth0.com/x"), base)).isFalse();
  }
}
