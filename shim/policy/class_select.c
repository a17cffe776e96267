/* SPDX-License-Identifier: Apache-2.0 */
/* Which class a container belongs to (policy.h hs_policy_select_class):
 * its annotations, the program hardshim was started as, the image a CRI
 * names. */
#include "config.h"

#include "policy/policy.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool
_names_a_class (const hs_policy *p, const char *key, const char *value)
{
  for (size_t i = 1; i < p->nclasses; i++)
    if (p->classes[i].match_key != NULL && strcmp (p->classes[i].match_key, key) == 0
        && strcmp (p->classes[i].match_value, value) == 0)
      return true;
  return false;
}

/* Annotations the CRI runtimes set: the image an app container runs, and
 * whether a container is a pod's sandbox. */
#define CRI_IMAGE "io.kubernetes.cri.image-name"
#define CRIO_IMAGE "io.kubernetes.cri-o.ImageName"
#define CRI_TYPE "io.kubernetes.cri.container-type"
#define CRIO_TYPE "io.kubernetes.cri-o.ContainerType"

/* Annotation key's value, NULL when absent; one that is not a string is an error. */
static int
_annotation (hs_json ann, const char *key, const char *file, const char **ret, hs_error *err)
{
  hs_json v = hs_json_get (ann, key);

  *ret = NULL;
  if (v == NULL)
    return 0;
  if (!hs_json_is_string (v))
    return hs_error_set (err, EINVAL, "`%s`: annotation `%s` is %s, expected a string", file, key,
                         hs_json_type_name (v));
  *ret = hs_json_string (v);
  return 0;
}

/* The image condition: a pod sandbox passes (its pause image is the
 * node's choice, and a class with an image also has an annotation or
 * program condition); an app container passes when a CRI image annotation
 * gives image and none gives another. */
static int
_image_holds (hs_json ann, const char *image, const char *file, bool *ret, hs_error *err)
{
  const char *cri_type, *crio_type, *cri_image, *crio_image;
  int r = _annotation (ann, CRI_TYPE, file, &cri_type, err);

  if (r == 0)
    r = _annotation (ann, CRIO_TYPE, file, &crio_type, err);
  if (r == 0)
    r = _annotation (ann, CRI_IMAGE, file, &cri_image, err);
  if (r == 0)
    r = _annotation (ann, CRIO_IMAGE, file, &crio_image, err);
  if (r < 0)
    return r;
  if ((cri_type != NULL || crio_type != NULL) && (cri_type == NULL || strcmp (cri_type, "sandbox") == 0)
      && (crio_type == NULL || strcmp (crio_type, "sandbox") == 0))
    *ret = true;
  else
    *ret = (cri_image != NULL || crio_image != NULL) && (cri_image == NULL || strcmp (cri_image, image) == 0)
           && (crio_image == NULL || strcmp (crio_image, image) == 0);
  return 0;
}

/* Whether every condition of c's match holds. */
static int
_class_matches (const hs_policy *p, const hs_class *c, hs_json ann, const char *file, bool *ret, hs_error *err)
{
  const char *value;
  int r;

  *ret = false;
  if (c->match_key != NULL)
    {
      r = _annotation (ann, c->match_key, file, &value, err);
      if (r < 0)
        return r;
      if (value == NULL || strcmp (value, c->match_value) != 0)
        return 0;
    }
  if (c->match_program != NULL && (p->program == NULL || strcmp (p->program, c->match_program) != 0))
    return 0;
  if (c->match_image != NULL)
    return _image_holds (ann, c->match_image, file, ret, err);
  *ret = true;
  return 0;
}

/* "annotation `K=V`, program `P`, image `I`" */
static char *
_describe_match (const hs_class *c)
{
  _cleanup_free_ char *ann = c->match_key ? xasprintf ("annotation `%s=%s`", c->match_key, c->match_value) : NULL;
  _cleanup_free_ char *program = c->match_program ? xasprintf ("program `%s`", c->match_program) : NULL;
  _cleanup_free_ char *image = c->match_image ? xasprintf ("image `%s`", c->match_image) : NULL;
  _cleanup_strv_ hs_strv parts = { 0 };

  if (ann != NULL)
    hs_strv_add (&parts, TAKE_PTR (ann));
  if (program != NULL)
    hs_strv_add (&parts, TAKE_PTR (program));
  if (image != NULL)
    hs_strv_add (&parts, TAKE_PTR (image));
  return hs_strv_join (&parts, ", ");
}

int
hs_policy_select_class (const hs_policy *p, hs_json ann, const char *file, const hs_class **ret, hs_error *err)
{
  const hs_class *found = NULL;
  bool matches;
  int r;

  if (ann != NULL && !hs_json_is_object (ann))
    return hs_error_set (err, EINVAL, "`%s`: /annotations is %s, expected an object", file, hs_json_type_name (ann));
  for (size_t i = 1; i < p->nclasses; i++)
    {
      const hs_class *c = &p->classes[i];
      r = _class_matches (p, c, ann, file, &matches, err);
      if (r < 0)
        return r;
      if (!matches)
        continue;
      if (found != NULL)
        {
          _cleanup_free_ char *a = _describe_match (found), *b = _describe_match (c);
          return hs_error_set (err, EINVAL, "`%s`: the container matches both class `%s` (%s) and class `%s` (%s)",
                               file, found->name, a, c->name, b);
        }
      found = c;
    }
  /* A class key whose value names no class is a typo, not the default. */
  for (size_t i = 1; i < p->nclasses; i++)
    {
      const char *value;
      if (p->classes[i].match_key == NULL)
        continue;
      r = _annotation (ann, p->classes[i].match_key, file, &value, err);
      if (r < 0)
        return r;
      if (value != NULL && !_names_a_class (p, p->classes[i].match_key, value))
        return hs_error_set (err, EINVAL, "`%s`: annotation `%s=%s` names no class of the policy", file,
                             p->classes[i].match_key, value);
    }
  *ret = found != NULL ? found : &p->classes[0];
  return 0;
}
